import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { AppError } from '../../http/errors.ts';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob, type JobInfo } from '../../platform/jobs/jobs.ts';
import { rowsProcessed } from '../../platform/metrics.ts';
import { keepAlive, OperationLeft, transition } from '../../platform/operations/index.ts';
import { systemActor } from '../audit/audit-writer.public.ts';
import type { ExportColumn } from '../../shared/user-columns.ts';
import { signedExportUrl } from './export-link.ts';
import { exportFailedMail, exportReadyMail } from './export-mail.ts';
import { writeExportFiles } from './export-files.ts';
import type { StoredPart } from './export-parts.ts';
import { trackExportProgress } from './export-progress.ts';
import { exportOperation } from './export-operation.ts';
import { type ExportRecord, findExport, lockAttemptKey } from './exports.repository.ts';

/** Attempts after the first; a worker that dies mid-export is noticed by the missing heartbeat and retried. */
export const EXPORT_RETRY_LIMIT = 2;
/** Exports of one organization written at once; the queue's other worker serves the other organizations (docs/operations.md). */
export const EXPORTS_PER_ORGANIZATION = 1;

/** Test-only: lets a test fail an attempt part-way through its file. Never set in production code. */
export const exportJobTestHooks: { onChunk?: (event: { exportId: string; attempt: number; bytes: number }) => void | Promise<void> } = {};

export const exportJob = defineJob<{ exportId: string; appId: string }, AppContext>({
  name: 'export.run',
  payload: z.object({ exportId: z.string().uuid(), appId: z.string().uuid() }),
  // heartbeatSeconds brings a killed worker's job back within seconds instead of at expiry.
  queue: { notify: true, heartbeatSeconds: 10, retryLimit: EXPORT_RETRY_LIMIT, retryDelay: 3, expireInSeconds: 6 * 3600 },
  perOrganization: EXPORTS_PER_ORGANIZATION,
  handle: (payload, ctx, job) => runExport(ctx, payload, job),
});

const system = systemActor('export worker');

/**
 * One attempt at an export. The file goes to a key of its own; the export becomes `completed`
 * (with its row count and key) only after the whole file is stored, in one guarded update.
 */
export async function runExport(ctx: AppContext, payload: { exportId: string; appId: string }, job: Pick<JobInfo, 'retryCount'> & { signal?: AbortSignal }): Promise<void> {
  const { exportId, appId } = payload;
  // Each attempt's objects carry a prefix of their own; its first part's key is the attempt's key.
  const keyPrefix = `exports/${appId}/${exportId}/${randomUUID()}-`;
  const attemptKey = `${keyPrefix}part-1`;
  const stored: StoredPart[] = [];
  const claim = await ctx.db.transaction().execute(async (trx) => {
    const previous = await lockAttemptKey(trx, appId, exportId);
    if (!previous) return undefined;
    const moved = await transition(trx, exportOperation, { id: exportId, appId }, { to: 'running', set: { attempt_key: attemptKey, attempts: sql`attempts + 1`, started_at: sql`coalesce(started_at, now())` } });
    return moved ? { previousKey: previous.attempt_key } : undefined;
  });
  if (!claim) return; // Already completed, failed, cancelled or expired: a duplicate delivery of the job.
  if (claim.previousKey) await ctx.storage.delete(claim.previousKey).catch(() => {});
  const record = (await findExport(ctx.db, appId, exportId))!;

  // The heartbeat also notices a cancel (the row left `running`): the next chunk stops the file.
  const alive = keepAlive(ctx.db, exportOperation, { id: exportId, appId }, { jobSignal: job.signal, where: { attempt_key: attemptKey } });
  try {
    const columns = record.columns as ExportColumn[];
    const testHook = exportJobTestHooks.onChunk;
    // A shutdown stops the file part-way; the attempt is retried by another worker.
    const onChunk = (bytes: number) => {
      alive.checkpoint();
      return testHook?.({ exportId, attempt: job.retryCount, bytes });
    };
    const progress = trackExportProgress(ctx, appId, exportId, attemptKey);
    // Large results are copied in parallel ranges of one snapshot (export-parallel.ts), into parts and a manifest (export-files.ts).
    const written = await writeExportFiles(ctx, record, { keyPrefix, stored, onChunk, onCopying: progress.onCopying }).finally(progress.stop);
    const parts = written.parts.map(({ name, key, rows, bytes, sha256 }) => ({ name, key, rows, bytes, sha256 }));
    // Whole seconds, so the link's expiry and the export's are the same instant.
    const expiresAt = new Date(Math.floor((Date.now() + ctx.config.EXPORT_LINK_TTL * 1000) / 1000) * 1000);
    // Only the attempt that still owns the export may complete it, so a stale worker cannot overwrite a newer one.
    const completed = await transition(ctx.db, exportOperation, { id: exportId, appId }, {
      to: 'completed',
      from: ['running'],
      where: { attempt_key: attemptKey },
      set: { row_count: written.rowCount, bytes: written.bytes, storage_key: attemptKey, attempt_key: null, expires_at: expiresAt, error: null, as_of_seq: written.asOfSeq, parts: JSON.stringify(parts) },
      audit: { orgId: record.org_id, appId, actor: system, details: { row_count: written.rowCount, bytes: written.bytes, requested_by: record.created_by, attempt: record.attempts, as_of_seq: written.asOfSeq, parts: parts.length } },
    });
    if (completed) rowsProcessed.inc({ kind: 'export' }, written.rowCount);
    if (!completed) {
      // Another attempt took the export over, or it was cancelled, meanwhile: these files belong to nobody.
      await deleteParts(ctx, stored);
      return;
    }
    // A scheduled run is not mailed when it works (every few minutes would be noise); its failures are.
    if (!record.schedule_id) await sendQuietly(ctx, exportReadyMail({
      to: record.created_by_email,
      appName: record.app_name,
      rowCount: written.rowCount,
      columns,
      filters: record.filters,
      downloadUrl: signedExportUrl(ctx.config.PUBLIC_URL, ctx.config.ROSTER_SECRET, exportId, expiresAt),
      expiresAt,
    }));
  } catch (error) {
    await ctx.storage.delete(attemptKey).catch(() => {});
    await deleteParts(ctx, stored);
    // Bad input found only now (the feed was pruned past since_seq since the request): no retry helps.
    if (error instanceof AppError) {
      await failExport(ctx, record, error.message);
      return;
    }
    // Cancelled (or ended by the sweeper): nothing to retry.
    if (alive.signal.reason instanceof OperationLeft) return;
    const reason = error instanceof Error ? error.message : String(error);
    if (job.retryCount < EXPORT_RETRY_LIMIT || job.signal?.aborted) {
      ctx.log.warn(`export ${exportId}: attempt ${record.attempts} failed, will retry: ${reason}`);
      await transition(ctx.db, exportOperation, { id: exportId, appId }, { to: 'queued', from: ['running'], where: { attempt_key: attemptKey } });
      throw error;
    }
    ctx.log.error(`export ${exportId}: failed after ${record.attempts} attempts: ${reason}`);
    // PostgreSQL's own wording goes to the log, not into the export's error and the requester's mail.
    const shown = error instanceof pg.DatabaseError ? 'the database could not run the query (the details are in the server log)' : reason;
    await failExport(ctx, record, `The export could not be written: ${shown}`);
  } finally {
    alive.stop();
  }
}

/** Deletes an attempt's stored parts (the manifest included); a missing one is no error. */
export async function deleteParts(ctx: AppContext, parts: readonly { key: string }[]): Promise<void> {
  await Promise.all(parts.map((part) => ctx.storage.delete(part.key).catch(() => {})));
}

/** Marks an export failed, audits it and tells the requester; a no-op if it already ended. */
export async function failExport(ctx: AppContext, record: ExportRecord, reason: string): Promise<void> {
  const failed = await transition(ctx.db, exportOperation, { id: record.id, appId: record.app_id }, {
    to: 'failed',
    set: { error: reason },
    audit: { orgId: record.org_id, appId: record.app_id, actor: system, details: { reason, requested_by: record.created_by } },
  });
  if (failed) await sendQuietly(ctx, exportFailedMail({ to: record.created_by_email, appName: record.app_name, reason, exportId: record.id }));
}

/** The export's state is settled before mail goes out; a mail server being down must not undo or repeat it. */
async function sendQuietly(ctx: AppContext, message: Parameters<AppContext['mailer']['send']>[0]): Promise<void> {
  try {
    await ctx.mailer.send(message);
  } catch (error) {
    ctx.log.warn(`export mail to ${message.to} could not be sent: ${(error as Error).message}`);
  }
}
