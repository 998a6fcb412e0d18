import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { transition } from '../../platform/operations/index.ts';
import { importOperation } from './import-operation.ts';
import type { Database } from '../../db/schema.ts';
import type { ImportMode } from '../users/index.ts';
import type { ImportFileError, ImportsTable, ImportStatus, ImportWarning } from './imports.tables.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** An import row with the operator who created it, as the API shows it. */
export type ImportRecord = Selectable<ImportsTable> & { creator_email: string; creator_name: string };

function selectImports(db: Db) {
  return db
    .selectFrom('imports')
    .innerJoin('operators', 'operators.id', 'imports.created_by')
    .selectAll('imports')
    .select(['operators.email as creator_email', 'operators.name as creator_name']);
}

export async function findImport(db: Db, appId: string, importId: string): Promise<ImportRecord | undefined> {
  return (await selectImports(db).where('imports.app_id', '=', appId).where('imports.id', '=', importId).executeTakeFirst()) as ImportRecord | undefined;
}

/** For jobs, which carry only the import's id; the row names its application. */
export async function findImportForJob(db: Db, importId: string): Promise<(ImportRecord & { org_id: string }) | undefined> {
  return (await selectImports(db)
    .innerJoin('applications', 'applications.id', 'imports.app_id')
    .select('applications.org_id')
    .where('imports.id', '=', importId)
    .executeTakeFirst()) as (ImportRecord & { org_id: string }) | undefined;
}

/** Locks the import for a state change; callers are inside a transaction. */
export async function lockImport(trx: Transaction<Database>, appId: string, importId: string) {
  return trx.selectFrom('imports').selectAll().where('app_id', '=', appId).where('id', '=', importId).forUpdate().executeTakeFirst();
}

export async function listImportsPage(db: Db, appId: string, limit: number, before?: { createdAt: Date; id: string }): Promise<ImportRecord[]> {
  let query = selectImports(db).where('imports.app_id', '=', appId);
  if (before) query = query.where(sql<boolean>`(imports.created_at, imports.id) < (${before.createdAt}, ${before.id}::uuid)`);
  return (await query.orderBy('imports.created_at', 'desc').orderBy('imports.id', 'desc').limit(limit).execute()) as ImportRecord[];
}

export async function insertImport(
  db: Db,
  values: { id: string; appId: string; fileName: string; storageKey: string; fileBytes: number; createdBy: string; mode: ImportMode },
): Promise<void> {
  await db
    .insertInto('imports')
    .values({
      id: values.id,
      app_id: values.appId,
      file_name: values.fileName,
      storage_key: values.storageKey,
      file_bytes: values.fileBytes,
      status: 'validating',
      created_by: values.createdBy,
      mode: values.mode,
    })
    .execute();
}

/** Marks a file that could not be read (or a run that gave up); only from a status that is still in progress. */
export async function failImport(db: Db, importId: string, from: ImportStatus[], error: ImportFileError, extra: Partial<{ encoding: string; delimiter: string; columns: string[]; warnings: ImportWarning[]; totalRows: number }> = {}): Promise<boolean> {
  return transition(db, importOperation, { id: importId }, {
    to: 'failed',
    from,
    set: {
      error: JSON.stringify(error),
      failed: sql<number>`CASE WHEN started_at IS NULL THEN 0 ELSE total_rows - processed_rows END`,
      ...(extra.encoding ? { encoding: extra.encoding } : {}),
      ...(extra.delimiter ? { delimiter: extra.delimiter } : {}),
      ...(extra.columns ? { columns: extra.columns } : {}),
      ...(extra.warnings ? { warnings: JSON.stringify(extra.warnings) } : {}),
      ...(extra.totalRows === undefined ? {} : { total_rows: extra.totalRows }),
    },
  });
}

/**
 * Imports whose file and staged rows have outlived retention: of one application, or (no `appId`) of
 * every application that keeps the default (one with its own `import_files` retention is swept by the
 * daily retention run, docs/privacy.md#retention).
 */
export async function findExpiredImports(db: Db, finishedBefore: Date, limit: number, appId?: string) {
  let query = db
    .selectFrom('imports')
    .innerJoin('applications', 'applications.id', 'imports.app_id')
    .select(['imports.id', 'imports.app_id', 'applications.org_id', 'imports.storage_key', 'imports.file_name', 'imports.file_bytes', 'imports.created_by'])
    .where('imports.file_deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('imports.status', 'in', ['completed', 'failed', 'cancelled']), eb('imports.finished_at', '<', finishedBefore)]),
        // A preview nobody ran: kept as long as a finished import.
        eb.and([eb('imports.status', 'in', ['ready', 'needs_mapping']), eb('imports.created_at', '<', finishedBefore)]),
      ]),
    )
    .orderBy('imports.created_at')
    .limit(limit);
  query = appId ? query.where('imports.app_id', '=', appId) : query.where(sql<boolean>`NOT (applications.retention ? 'import_files')`);
  return query.execute();
}

/** Marks the source file deleted; false when another sweep got there first. */
export async function markFileDeleted(db: Db, importId: string): Promise<boolean> {
  const marked = await db.updateTable('imports').set({ file_deleted_at: new Date() }).where('id', '=', importId).where('file_deleted_at', 'is', null).executeTakeFirst();
  return Number(marked.numUpdatedRows) === 1;
}
