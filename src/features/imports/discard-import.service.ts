import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { transition } from '../../platform/operations/index.ts';
import { auditImport, importCounts } from './import-audit.ts';
import { importOperation } from './import-operation.ts';
import { lockImport, markFileDeleted } from './imports.repository.ts';
import { toImportView, type ImportView } from './imports.schemas.ts';
import { getImport, type ImportActor } from './imports.service.ts';
import { deleteImportRows } from './staging/import-rows.repository.ts';

/** Imports that were previewed and never started: the only ones a discard takes. */
const discardable = ['ready', 'needs_mapping'] as const;

/** The error a discarded import shows, so the history and the console tell it from a cancelled run. */
export const DISCARDED = { code: 'discarded', message: 'Discarded after the preview, before it started: nothing was applied, and the file and its staged rows are deleted.' };

/**
 * POST …/imports/{id}/discard (docs/imports.md#discard): "no" to a preview. The import ends as
 * `cancelled` (one lifecycle, src/platform/operations) with error code `discarded` and an
 * `import.discarded` entry, in one transaction; then its stored file and staged rows are deleted
 * at once rather than kept for the retention period, since nobody will run it. If the deletion
 * fails the retention sweep deletes them later (the import is cancelled and its file not marked gone).
 */
export async function discardImport(ctx: AppContext, actor: ImportActor, importId: string): Promise<ImportView> {
  await getImport(ctx, actor.appId, importId);
  const record = await ctx.db.transaction().execute(async (trx) => {
    const current = await lockImport(trx, actor.appId, importId);
    if (!current) throw notFound('Import');
    if (!(discardable as readonly string[]).includes(current.status)) {
      throw conflict('invalid_state', `The import is ${current.status}; only an import waiting in its preview (ready or needs_mapping) can be discarded${current.status === 'queued' || current.status === 'running' || current.status === 'validating' ? ', cancel it instead' : ''}`);
    }
    await transition(trx, importOperation, { id: importId, appId: actor.appId }, { to: 'cancelled', from: [current.status], set: { error: JSON.stringify(DISCARDED) } });
    await auditImport(trx, {
      orgId: actor.operator.orgId,
      appId: actor.appId,
      importId,
      action: 'import.discarded',
      actor: actor.operator,
      operatorId: actor.operator.operatorId,
      ip: actor.ip,
      details: { file_name: current.file_name, discarded_while: current.status, ...importCounts(current) },
    });
    return current;
  });
  await ctx.storage.delete(record.storage_key);
  await deleteImportRows(ctx.database.pool, importId);
  await markFileDeleted(ctx.db, importId);
  return toImportView(await getImport(ctx, actor.appId, importId));
}
