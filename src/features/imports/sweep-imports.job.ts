import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { auditImport, failImportWithAudit } from './import-audit.ts';
import { deleteImportRows } from './staging/import-rows.repository.ts';
import { findExpiredImports, findSilentImports, markFileDeleted } from './imports.repository.ts';
import type { ImportFileError, ImportStatus } from './imports.tables.ts';

const BATCH = 100;
// Far beyond any real validation or chunk (and beyond pg-boss's own retries): only a lost job is this quiet.
const SILENT_AFTER_MS = 3 * 3600 * 1000;

/**
 * Hourly upkeep. Retention: IMPORT_FILE_RETENTION_DAYS after an import ends, its file and staged
 * rows go (the import itself stays in the history); a preview nobody ran expires the same way.
 * And an import whose worker has been silent for hours (its job gave up) is marked failed rather
 * than shown as in progress forever.
 */
export const sweepImportsJob = defineJob<Record<string, never>, AppContext>({
  name: 'imports.sweep',
  payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  schedule: '17 * * * *',
  async handle(_payload, ctx) {
    await failSilentImports(ctx, new Date(Date.now() - SILENT_AFTER_MS));
    await sweepExpiredImports(ctx, new Date(Date.now() - ctx.config.IMPORT_FILE_RETENTION_DAYS * 86_400_000));
  },
});

export async function failSilentImports(ctx: AppContext, silentSince: Date): Promise<number> {
  const silent = await findSilentImports(ctx.db, silentSince);
  for (const { id, status } of silent) {
    const message = 'The worker handling this import stopped and did not come back; chunks already applied stay. Upload the file again to finish it.';
    await failWithAudit(ctx, id, ['validating', 'queued', 'running'], { code: status === 'validating' ? 'validation_error' : 'run_failed', message });
  }
  return silent.length;
}

export async function sweepExpiredImports(ctx: AppContext, finishedBefore: Date): Promise<number> {
  let swept = 0;
  for (;;) {
    const expired = await findExpiredImports(ctx.db, finishedBefore, BATCH);
    for (const record of expired) {
      await failWithAudit(ctx, record.id, ['ready', 'needs_mapping'], { code: 'preview_expired', message: 'The preview expired before the import was started; upload the file again.' });
      await ctx.storage.delete(record.storage_key);
      await deleteImportRows(ctx.database.pool, record.id);
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await markFileDeleted(trx, record.id))) return;
        const details = { reason: `kept ${ctx.config.IMPORT_FILE_RETENTION_DAYS} days after the import ended`, file_name: record.file_name, bytes: record.file_bytes };
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
