import type { AppContext } from '../../context.ts';
import type { OperationUpkeep } from '../../platform/operations/index.ts';
import { auditImport, failImportWithAudit } from './import-audit.ts';
import { importOperation } from './import-operation.ts';
import { deleteImportRows } from './staging/import-rows.repository.ts';
import { findExpiredImports, markFileDeleted } from './imports.repository.ts';
import type { ImportFileError, ImportStatus } from './imports.tables.ts';

const BATCH = 100;

/**
 * Imports in the one operations sweep (docs/operations.md). Retention: IMPORT_FILE_RETENTION_DAYS
 * after an import ends, its file and staged rows go (the import itself stays in the history); a
 * preview nobody ran expires the same way. An import whose worker went silent is marked failed
 * rather than shown as in progress forever.
 */
export const importUpkeep: OperationUpkeep<AppContext> = {
  kind: importOperation,
  async failSilent(ctx, silent) {
    for (const { id, status } of silent) {
      const message = 'The worker handling this import stopped and did not come back; chunks already applied stay. Upload the file again to finish it.';
      await failWithAudit(ctx, id, ['validating', 'queued', 'running'], { code: status === 'validating' ? 'validation_error' : 'run_failed', message });
    }
  },
  retention: (ctx, now) => sweepExpiredImports(ctx, new Date(now.getTime() - ctx.config.IMPORT_FILE_RETENTION_DAYS * 86_400_000)),
};

export async function sweepExpiredImports(ctx: AppContext, finishedBefore: Date, appId?: string): Promise<number> {
  let swept = 0;
  for (;;) {
    const expired = await findExpiredImports(ctx.db, finishedBefore, BATCH, appId);
    for (const record of expired) {
      await failWithAudit(ctx, record.id, ['ready', 'needs_mapping'], { code: 'preview_expired', message: 'The preview expired before the import was started; upload the file again.' });
      await ctx.storage.delete(record.storage_key);
      await deleteImportRows(ctx.database.pool, record.id);
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await markFileDeleted(trx, record.id))) return;
        const details = { reason: appId ? "past the application's retention for import files" : `kept ${ctx.config.IMPORT_FILE_RETENTION_DAYS} days after the import ended`, file_name: record.file_name, bytes: record.file_bytes };
        await auditImport(trx, { orgId: record.org_id, appId: record.app_id, importId: record.id, action: 'import.file_deleted', actor: 'system', operatorId: record.created_by, details });
      });
    }
    swept += expired.length;
    if (expired.length < BATCH) return swept;
  }
}

function failWithAudit(ctx: AppContext, importId: string, from: ImportStatus[], error: ImportFileError): Promise<void> {
  return failImportWithAudit(ctx, importId, from, error, 'upkeep');
}
