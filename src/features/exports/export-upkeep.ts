import type { AppContext } from '../../context.ts';
import { type OperationUpkeep, transition } from '../../platform/operations/index.ts';
import { failExport } from './export.job.ts';
import { exportOperation, exportRetentionActor } from './export-operation.ts';
import { type ExportRecord, findExport, findExpiredFiles, findFilesFinishedBefore } from './exports.repository.ts';

const BATCH = 200;

/**
 * Deletes files nobody may fetch any more: an export's file once its link has expired. Each deletion
 * is audited. The file goes first and the row is marked after, so a crash in between only repeats a
 * deletion.
 */
export async function deleteExpiredExportFiles(ctx: AppContext, now: Date): Promise<number> {
  return deleteExportFiles(ctx, () => findExpiredFiles(ctx.db, now, BATCH), (record) => ({ reason: 'download link expired', expired_at: record.expires_at?.toISOString() }));
}

/** An application's retention for exports (docs/privacy.md#retention): files of exports completed before `before` go, link or not. */
export async function deleteExportFilesFinishedBefore(ctx: AppContext, appId: string, before: Date): Promise<number> {
  return deleteExportFiles(ctx, () => findFilesFinishedBefore(ctx.db, appId, before, BATCH), () => ({ reason: "past the application's retention for exports", finished_before: before.toISOString() }));
}

async function deleteExportFiles(ctx: AppContext, due: () => Promise<ExportRecord[]>, reason: (record: ExportRecord) => Record<string, unknown>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await due();
    for (const record of batch) {
      if (record.storage_key) await ctx.storage.delete(record.storage_key);
      // Every part and the manifest go with the first (export-files.ts).
      for (const part of record.parts ?? []) await ctx.storage.delete(part.key);
      const moved = await transition(ctx.db, exportOperation, { id: record.id, appId: record.app_id }, {
        to: 'expired',
        set: { file_deleted_at: new Date() },
        audit: { orgId: record.org_id, appId: record.app_id, actor: exportRetentionActor, details: { ...reason(record), row_count: record.row_count, bytes: record.bytes } },
      });
      if (moved) deleted++;
    }
    if (batch.length < BATCH) return deleted;
  }
}

export const exportUpkeep: OperationUpkeep<AppContext> = {
  kind: exportOperation,
  // An export whose worker died on its last attempt would otherwise say `running` forever.
  async failSilent(ctx, silent) {
    for (const { id } of silent) {
      const record = await ctx.db.selectFrom('exports').select(['app_id']).where('id', '=', id).executeTakeFirst();
      const found = record && (await findExport(ctx.db, record.app_id, id));
      if (!found) continue;
      if (found.attempt_key) await ctx.storage.delete(found.attempt_key).catch(() => {});
      await failExport(ctx, found, 'The export worker stopped while writing the file and did not come back; please request the export again');
    }
  },
  retention: deleteExpiredExportFiles,
};
