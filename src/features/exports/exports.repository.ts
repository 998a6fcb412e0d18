import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ExportStatus } from './exports.tables.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * An export with what its JSON form and its email need: the requester and the application's organization.
 * The requester's role and removal are as they are now: a download re-checks them (issue #9, finding 12).
 * `schedule_id` names the export schedule that made it (src/features/export-schedules), null for one asked for by hand.
 */
export type ExportRecord = NonNullable<Awaited<ReturnType<ReturnType<typeof selectExports>['executeTakeFirst']>>>;

function selectExports(db: Db) {
  return db
    .selectFrom('exports')
    .innerJoin('applications', 'applications.id', 'exports.app_id')
    .innerJoin('operators', 'operators.id', 'exports.created_by')
    .select([
      'exports.id',
      'exports.seq',
      'exports.app_id',
      'applications.org_id',
      'applications.name as app_name',
      'exports.status',
      'exports.filters',
      'exports.columns',
      'exports.row_count',
      'exports.rows_written',
      'exports.bytes',
      'exports.storage_key',
      'exports.attempt_key',
      'exports.attempts',
      'exports.created_by',
      'operators.email as created_by_email',
      'operators.name as created_by_name',
      'exports.created_at',
      'exports.started_at',
      'exports.finished_at',
      'exports.expires_at',
      'exports.file_deleted_at',
      'exports.error',
      'exports.revoked_at',
      'exports.schedule_id',
      'operators.role as created_by_role',
      'operators.removed_at as created_by_removed_at',
      'exports.format',
      'exports.compression',
      // Sequence numbers stay far below 2^53: plain numbers in JavaScript.
      sql<number | null>`exports.as_of_seq::float8`.as('as_of_seq'),
      sql<number | null>`exports.since_seq::float8`.as('since_seq'),
      'exports.parts',
    ]);
}

export async function insertExport(
  db: Db,
  values: {
    appId: string;
    filters: Record<string, unknown>;
    columns: readonly string[];
    createdBy: string;
    scheduleId?: string | null;
    format?: ExportRecord['format'];
    compression?: ExportRecord['compression'];
    sinceSeq?: number | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('exports')
    .values({
      app_id: values.appId,
      filters: JSON.stringify(values.filters),
      columns: [...values.columns],
      created_by: values.createdBy,
      schedule_id: values.scheduleId ?? null,
      format: values.format ?? 'csv',
      compression: values.compression ?? 'none',
      since_seq: values.sinceSeq ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findExport(db: Db, appId: string, exportId: string): Promise<ExportRecord | undefined> {
  return selectExports(db).where('exports.app_id', '=', appId).where('exports.id', '=', exportId).executeTakeFirst();
}

/** Only for the signed download link, which names no application: the signature is what authorizes it. */
export async function findExportForDownload(db: Db, exportId: string): Promise<ExportRecord | undefined> {
  return selectExports(db).where('exports.id', '=', exportId).executeTakeFirst();
}

export async function listExports(db: Db, appId: string, page: { beforeSeq?: number; limit: number }): Promise<ExportRecord[]> {
  let query = selectExports(db).where('exports.app_id', '=', appId);
  if (page.beforeSeq !== undefined) query = query.where('exports.seq', '<', page.beforeSeq);
  return query.orderBy('exports.seq', 'desc').limit(page.limit).execute();
}

/** Revokes the download link (idempotent); true when the export exists in the application. */
export async function revokeExportLink(db: Db, appId: string, exportId: string, operatorId: string): Promise<boolean> {
  const updated = await db
    .updateTable('exports')
    .set({ revoked_at: sql`coalesce(revoked_at, now())`, revoked_by: sql`coalesce(revoked_by, ${operatorId}::uuid)` })
    .where('app_id', '=', appId)
    .where('id', '=', exportId)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** The key an earlier attempt wrote to (a crashed one leaves its file there), locked for the claim. */
export async function lockAttemptKey(db: Db, appId: string, exportId: string): Promise<{ attempt_key: string | null } | undefined> {
  return db
    .selectFrom('exports')
    .select('attempt_key')
    .where('app_id', '=', appId)
    .where('id', '=', exportId)
    .where('status', 'in', ['queued', 'running'])
    .forUpdate()
    .executeTakeFirst();
}

/** Exports of one operator that have not ended: the pending cap counts them. */
export async function countPendingExports(db: Db, operatorId: string, states: readonly ExportStatus[]): Promise<number> {
  const row = await db.selectFrom('exports').select((eb) => eb.fn.countAll<string>().as('n')).where('created_by', '=', operatorId).where('status', 'in', states).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Completed exports whose link expired before `now`: their files are due for deletion. */
/** Completed exports of one application whose files were written before `before`. */
export async function findFilesFinishedBefore(db: Db, appId: string, before: Date, limit: number): Promise<ExportRecord[]> {
  return selectExports(db).where('exports.app_id', '=', appId).where('exports.status', '=', 'completed').where('exports.finished_at', '<', before).orderBy('exports.finished_at').limit(limit).execute();
}

export async function findExpiredFiles(db: Db, now: Date, limit: number): Promise<ExportRecord[]> {
  return selectExports(db).where('exports.status', '=', 'completed').where('exports.expires_at', '<=', now).orderBy('exports.expires_at').limit(limit).execute();
}
