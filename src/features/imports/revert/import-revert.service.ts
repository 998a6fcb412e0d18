import { Readable } from 'node:stream';
import { transition } from '../../../platform/operations/index.ts';
import { failRevert, revertOperation } from './revert-operation.ts';
import type { AppContext } from '../../../context.ts';
import { conflict, notFound } from '../../../http/errors.ts';
import { forecastRevert, type RevertForecast } from '../../users/index.ts';
import { auditImport } from '../import-audit.ts';
import { csvLine } from '../import-files.ts';
import { getImport, type ImportActor } from '../imports.service.ts';
import { lockImport } from '../imports.repository.ts';
import { toImportView, type ImportView } from '../imports.schemas.ts';
import { revertImportJob } from './revert-import.job.ts';

/** Reverting an import (docs/import-ledger.md#revert): once, for an import that applied rows and has ended; the work is a job. */

const endedStatuses = ['completed', 'failed', 'cancelled'];

export async function requestRevert(ctx: AppContext, actor: ImportActor, importId: string): Promise<ImportView> {
  await getImport(ctx, actor.appId, importId);
  await ctx.db.transaction().execute(async (trx) => {
    const current = await lockImport(trx, actor.appId, importId);
    if (!current) throw notFound('Import');
    // A failed revert may be asked for again: it resumes from its cursor.
    if (current.revert_status !== null && current.revert_status !== 'failed') throw conflict('already_reverted', `This import's revert is ${current.revert_status}; an import is reverted once`);
    if (!endedStatuses.includes(current.status)) throw conflict('invalid_state', `The import is ${current.status}; only an import that has ended can be reverted`);
    if (current.created + current.updated === 0) throw conflict('nothing_to_revert', 'This import created and changed no user: there is nothing to revert');
    const asked = { reverted_by: actor.operator.operatorId, revert_requested_at: new Date(), revert_error: null, revert_finished_at: null };
    if (current.revert_status === 'failed') await transition(trx, revertOperation, { id: importId, appId: actor.appId }, { to: 'queued', from: ['failed'], set: asked });
    // The request creates the revert (its status was null), as an insert creates an export.
    else await trx.updateTable('imports').set({ ...asked, revert_status: 'queued', revert_heartbeat_at: new Date() }).where('id', '=', importId).where('revert_status', 'is', null).execute();
    await auditImport(trx, {
      orgId: actor.operator.orgId,
      appId: actor.appId,
      importId,
      action: 'import.revert_requested',
      actor: actor.operator,
      operatorId: actor.operator.operatorId,
      ip: actor.ip,
      details: { file_name: current.file_name, created: current.created, updated: current.updated },
    });
  });
  try {
    await ctx.jobs.send(revertImportJob, { importId }, { organizationId: actor.operator.orgId });
  } catch (error) {
    await failRevert(ctx, importId, 'The revert could not be queued; ask for it again.');
    throw error;
  }
  return toImportView(await getImport(ctx, actor.appId, importId));
}

/** The dry run: what a revert would restore, delete and leave if it ran now. */
export async function previewRevert(ctx: AppContext, actor: ImportActor, importId: string): Promise<RevertForecast> {
  await getImport(ctx, actor.appId, importId);
  return forecastRevert(ctx.database.pool, { orgId: actor.operator.orgId, appId: actor.appId, importId });
}

/** revert-conflicts.csv: every field or user the revert left as it was, and why. */
export async function revertConflictsReport(ctx: AppContext, appId: string, importId: string): Promise<{ fileName: string; body: Readable }> {
  const record = await getImport(ctx, appId, importId);
  if (record.revert_status === null) throw conflict('not_reverted', 'This import has not been reverted');
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(['vendor_data', 'field', 'reason'])}`;
    let after = { auditId: 0, field: '' };
    for (;;) {
      const rows = await ctx.db
        .selectFrom('import_revert_conflicts')
        .select(['audit_id', 'field', 'vendor_data', 'reason'])
        .where('import_id', '=', importId)
        .where((eb) => eb.or([eb('audit_id', '>', after.auditId), eb.and([eb('audit_id', '=', after.auditId), eb('field', '>', after.field)])]))
        .orderBy('audit_id')
        .orderBy('field')
        .limit(2_000)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((row) => csvLine([row.vendor_data, row.field, row.reason])).join('');
      const last = rows.at(-1)!;
      after = { auditId: Number(last.audit_id), field: last.field };
    }
  }
  const base = record.file_name.replace(/\.[^.]*$/, '') || 'import';
  return { fileName: `${base}-revert-conflicts.csv`, body: Readable.from(lines()) };
}
