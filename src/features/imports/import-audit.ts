import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { recordAudit, systemActor } from '../audit/audit-writer.public.ts';
import type { OperatorPrincipal } from '../auth/index.ts';
import type { AppContext } from '../../context.ts';
import { failImport, findImportForJob, type ImportRecord } from './imports.repository.ts';
import type { ImportFileError, ImportStatus } from './imports.tables.ts';

export type ImportAuditAction = 'import.created' | 'import.started' | 'import.completed' | 'import.failed' | 'import.cancelled' | 'import.discarded' | 'import.file_deleted' | 'import.revert_requested' | 'import.reverted';

/** The counts every import audit entry carries, so the trail alone tells what an import did. */
export function importCounts(record: Pick<ImportRecord, 'total_rows' | 'valid_rows' | 'invalid_rows' | 'to_create' | 'to_update' | 'preview_unchanged' | 'processed_rows' | 'created' | 'updated' | 'run_unchanged' | 'skipped' | 'failed'>) {
  return {
    total_rows: record.total_rows,
    valid_rows: record.valid_rows,
    invalid_rows: record.invalid_rows,
    to_create: record.to_create,
    to_update: record.to_update,
    preview_unchanged: record.preview_unchanged,
    processed_rows: record.processed_rows,
    created: record.created,
    updated: record.updated,
    unchanged: record.run_unchanged,
    skipped: record.skipped,
    failed: record.failed,
  };
}

/**
 * One audit entry for an import, in the caller's transaction. Job-side events have the system as
 * actor; `operatorId` (who created or started the import) goes into the details either way.
 */
export async function auditImport(
  db: Kysely<Database> | Transaction<Database>,
  entry: {
    orgId: string;
    appId: string;
    importId: string;
    action: ImportAuditAction;
    actor: OperatorPrincipal | 'system';
    operatorId: string;
    details?: Record<string, unknown>;
    outcome?: 'success' | 'failure';
    ip?: string | null;
  },
): Promise<void> {
  await recordAudit(db, {
    orgId: entry.orgId,
    appId: entry.appId,
    actor: entry.actor === 'system' ? systemActor('import worker') : entry.actor,
    action: entry.action,
    target: { type: 'import', id: entry.importId },
    details: { operator_id: entry.operatorId, ...entry.details },
    outcome: entry.outcome ?? 'success',
    ip: entry.ip ?? null,
  });
}

/** Fails an import still in one of `from` and audits `import.failed` with its counts, in one transaction. */
export async function failImportWithAudit(ctx: AppContext, importId: string, from: ImportStatus[], error: ImportFileError, stage: string): Promise<void> {
  const record = await findImportForJob(ctx.db, importId);
  if (!record) return;
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await failImport(trx, importId, from, error))) return;
    const failed = await trx.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow();
    await auditImport(trx, {
      orgId: record.org_id,
      appId: record.app_id,
      importId,
      action: 'import.failed',
      actor: 'system',
      operatorId: record.started_by ?? record.created_by,
      outcome: 'failure',
      details: { stage, file_name: record.file_name, error, ...importCounts(failed) },
    });
  });
}
