import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { recordAudit, systemActor } from '../audit/audit.service.ts';
import { sweepExpiredImports } from '../imports/sweep-imports.job.ts';
import { pruneChanges } from '../users/index.ts';
import { failExport } from './export.job.ts';
import { findExpiredFiles, findStalledExports, markFileDeleted } from './exports.repository.ts';

const BATCH = 200;
/** A running export's worker writes a heartbeat every 10 s; this long without one means it died after its last retry. */
export const STALLED_AFTER_MS = 15 * 60 * 1000;

const retention = systemActor('retention');

export interface RetentionReport {
  exportFilesDeleted: number;
  importFilesDeleted: number;
  stalledExportsFailed: number;
  changesPruned: number;
}

/**
 * Deletes files nobody may fetch any more: an export's file once its link has expired, an import's
 * source file IMPORT_FILE_RETENTION_DAYS after the import finished. Each deletion is audited. The
 * file goes first and the row is marked after, so a crash in between only repeats a deletion.
 */
export async function runRetention(ctx: AppContext, now = new Date()): Promise<RetentionReport> {
  return {
    exportFilesDeleted: await deleteExpiredExportFiles(ctx, now),
    importFilesDeleted: await deleteOldImportFiles(ctx, now),
    stalledExportsFailed: await failStalledExports(ctx, now),
    // The change feed keeps CHANGE_FEED_RETENTION (docs/change-feed.md); older cursors answer 410.
    changesPruned: await pruneChanges(ctx.db, new Date(now.getTime() - ctx.config.CHANGE_FEED_RETENTION * 1000)),
  };
}

async function deleteExpiredExportFiles(ctx: AppContext, now: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const due = await findExpiredFiles(ctx.db, now, BATCH);
    for (const record of due) {
      if (record.storage_key) await ctx.storage.delete(record.storage_key);
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await markFileDeleted(trx, record.app_id, record.id))) return;
        deleted++;
        await recordAudit(trx, {
          orgId: record.org_id,
          appId: record.app_id,
          actor: retention,
          action: 'export.file_deleted',
          target: { type: 'export', id: record.id },
          details: { reason: 'download link expired', expired_at: record.expires_at?.toISOString(), row_count: record.row_count, bytes: record.bytes },
        });
      });
    }
    if (due.length < BATCH) return deleted;
  }
}

/** Import files belong to the imports feature; its sweep deletes and audits them. */
async function deleteOldImportFiles(ctx: AppContext, now: Date): Promise<number> {
  return sweepExpiredImports(ctx, new Date(now.getTime() - ctx.config.IMPORT_FILE_RETENTION_DAYS * 86_400_000));
}

/** An export whose worker died on its last attempt would otherwise say `running` forever. */
async function failStalledExports(ctx: AppContext, now: Date): Promise<number> {
  const stalled = await findStalledExports(ctx.db, new Date(now.getTime() - STALLED_AFTER_MS), BATCH);
  for (const record of stalled) {
    if (record.attempt_key) await ctx.storage.delete(record.attempt_key).catch(() => {});
    await failExport(ctx, record, 'The export worker stopped while writing the file and did not come back; please request the export again');
  }
  return stalled.length;
}

export const retentionJob = defineJob<Record<string, never>, AppContext>({
  name: 'files.retention',
  payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  schedule: '*/15 * * * *',
  queue: { retryLimit: 1, retryDelay: 60, expireInSeconds: 3600 },
  work: { pollingIntervalSeconds: 2 },
  async handle(_payload, ctx) {
    const report = await runRetention(ctx);
    if (report.exportFilesDeleted + report.importFilesDeleted + report.stalledExportsFailed > 0) {
      ctx.log.info(`retention: deleted ${report.exportFilesDeleted} export file(s) and ${report.importFilesDeleted} import file(s); failed ${report.stalledExportsFailed} stalled export(s)`);
    }
    if (report.changesPruned > 0) {
      ctx.log.info(`retention: pruned ${report.changesPruned} change(s) from the change feed`);
    }
  },
});
