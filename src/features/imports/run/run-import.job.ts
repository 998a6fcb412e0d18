import { sql, type Transaction } from 'kysely';
import { queryable, withDeadlockRetries } from '../staging/chunk-transactions.ts';
import { z } from 'zod';
import { countAppUsersUpTo, type MergeContext, mergeStagedChunk, refreshUserStatisticsIfAppOutgrew, refreshUserStatisticsIfStale } from '../../users/index.ts';
import type { AppContext } from '../../../context.ts';
import type { Database } from '../../../db/schema.ts';
import { defineJob, type JobInfo } from '../../../platform/jobs/jobs.ts';
import { keepAlive, transition } from '../../../platform/operations/index.ts';
import { importOperation } from '../import-operation.ts';
import { auditImport, failImportWithAudit, importCounts } from '../import-audit.ts';
import { importWriteModes } from '../write-options.ts';
import { countStagedRows, markRunSkips, StagingLostError } from '../staging/import-rows.repository.ts';
import { findImportForJob } from '../imports.repository.ts';
import { rebuildStaging } from '../staging/staging-rebuild.ts';
import { ImportFileProblem } from '../validation/validate-import.job.ts';
import { rowsProcessed } from '../../../platform/metrics.ts';
import type { ImportFileError } from '../imports.tables.ts';

export const RUN_RETRY_LIMIT = 10;

/** The run: applies the staged rows chunk by chunk; each chunk commits with the cursor that says it is done. */
export const runImportJob = defineJob<{ importId: string }, AppContext>({
  name: 'imports.run',
  payload: z.object({ importId: z.string().uuid() }),
  // A killed worker stops heartbeating; pg-boss fails its job and the retry resumes after the last committed chunk.
  queue: { heartbeatSeconds: 10, expireInSeconds: 6 * 3600, retryLimit: RUN_RETRY_LIMIT, retryDelay: 1, notify: true },
  work: { localConcurrency: 2 },
  perOrganization: 1,
  async handle({ importId }, ctx, job) {
    try {
      await runImport(ctx, importId, job);
    } catch (error) {
      if (error instanceof StagingLostError) {
        // No retry brings the rows back; say so rather than apply part of the file.
        // Rebuilding from the stored file did not bring them back (the file is gone, or it changed).
        const message = 'The database restarted and lost this import\'s staged rows, and they could not be rebuilt from the stored file; chunks already applied stay. Upload the file again to finish it.';
        return failRun(ctx, importId, { code: 'staging_lost', message });
      }
      if (job.retryCount >= RUN_RETRY_LIMIT) await giveUp(ctx, importId, error as Error);
      throw error;
    }
  },
});

/** `ledger: false` runs without per-user entries: only bench/import.bench.ts uses it, to measure what they cost. */
export async function runImport(ctx: AppContext, importId: string, job: Pick<JobInfo, 'signal'>, options: { ledger?: boolean } = {}): Promise<void> {
  const record = await findImportForJob(ctx.db, importId);
  if (!record || (record.status !== 'queued' && record.status !== 'running')) return;
  await transition(ctx.db, importOperation, { id: importId }, { to: 'running', from: ['queued'], set: { started_at: new Date() } });
  // Beats between chunks too (a chunk can take long); the sweeper reads it (docs/operations.md).
  const alive = keepAlive(ctx.db, importOperation, { id: importId });
  try {
    await runChunks(ctx, record, job, options);
  } finally {
    alive.stop();
  }
}

async function runChunks(ctx: AppContext, record: NonNullable<Awaited<ReturnType<typeof findImportForJob>>>, job: Pick<JobInfo, 'signal'>, options: { ledger?: boolean }): Promise<void> {
  const importId = record.id;
  const chunkRows = ctx.config.ROSTER_IMPORT_CHUNK_ROWS;
  const starter = await ctx.db.selectFrom('operators').select(['id', 'email']).where('id', '=', record.started_by ?? record.created_by).executeTakeFirstOrThrow();
  const merge = { orgId: record.org_id, appId: record.app_id, fileName: record.file_name, actor: { type: 'operator' as const, id: starter.id, label: starter.email }, ledger: options.ledger ?? true };
  const started = performance.now();
  let rebuilt = false;
  // Each chunk probes the unique (app_id, vendor_data) index only while the planner knows how big the application is.
  const before = await countAppUsersUpTo(ctx.db, record.app_id);
  await refreshUserStatisticsIfAppOutgrew(ctx.db, record.app_id, before);
  let created = 0;
  for (;;) {
    if (job.signal.aborted) throw new Error('the job was taken away from this worker');
    let more: boolean;
    try {
      const applied = { rows: 0, created: 0 };
      more = await withDeadlockRetries(() => ctx.db.transaction().execute((trx) => applyNextChunk(trx, importId, chunkRows, merge, applied)));
      rowsProcessed.inc({ kind: 'import' }, applied.rows);
      created += applied.created;
      if (more) await refreshUserStatisticsIfAppOutgrew(ctx.db, record.app_id, before + created);
    } catch (error) {
      // A database crash empties the unlogged staging table: stage the file again and carry on at the cursor.
      if (!(error instanceof StagingLostError) || rebuilt) throw error;
      rebuilt = true;
      await rebuildStaging(ctx, importId, job.signal).catch((rebuildError: unknown) => {
        throw rebuildError instanceof ImportFileProblem ? error : rebuildError;
      });
      continue;
    }
    if (!more) break;
  }
  // The next preview, the console's estimated counts and its list plans read these statistics.
  await refreshUserStatisticsIfStale(ctx.db);
  ctx.log.info(`import ${importId}: run ended in ${Math.round(performance.now() - started)} ms`);
}

/**
 * One chunk in one transaction: lock the import, take the rows after its cursor, merge them,
 * move the cursor and the counts. Two workers on one import (a retry racing a slow original)
 * take turns on the lock and each applies only what the cursor says is left.
 * Returns whether rows remain.
 */
async function applyNextChunk(
  trx: Transaction<Database>,
  importId: string,
  chunkRows: number,
  merge: Omit<MergeContext, 'mode' | 'reason' | 'allowUnblock'>,
  applied: { rows: number; created: number },
): Promise<boolean> {
  // Safe without waiting for the WAL flush: the chunk, its cursor and its counts commit or vanish
  // together, so a database crash can only make the run redo its last chunks, never skip or repeat one.
  await sql`SET LOCAL synchronous_commit = off`.execute(trx);
  const current = await trx.selectFrom('imports').selectAll().where('id', '=', importId).forUpdate().executeTakeFirst();
  // Cancelled (or finished by another worker) since the last chunk.
  if (!current || current.status !== 'running') return false;
  const fromRow = current.cursor_row;
  const toRow = Math.min(fromRow + chunkRows, current.total_rows);
  const db = queryable(trx);
  const rows = toRow - fromRow;
  if ((await countStagedRows(db, importId, fromRow, toRow)) !== rows) throw new StagingLostError(importId);
  // The import's own settings are read under the lock: they cannot change while it runs, but a retry must see them.
  const outcome = await mergeStagedChunk(db, { importId, fromRow, toRow }, {
    ...merge,
    mode: current.mode,
    reason: current.status_reason,
    allowUnblock: current.allow_unblock,
    writeModes: importWriteModes(current, current.column_map),
  });
  if (outcome.skips.length > 0) await markRunSkips(db, importId, outcome.skips);
  applied.rows = rows;
  applied.created = outcome.created;
  const last = toRow >= current.total_rows;
  const updated = await trx
    .updateTable('imports')
    .set((eb) => ({
      cursor_row: toRow,
      heartbeat_at: new Date(),
      processed_rows: eb('processed_rows', '+', rows),
      created: eb('created', '+', outcome.created),
      updated: eb('updated', '+', outcome.updated),
      run_unchanged: eb('run_unchanged', '+', outcome.unchanged),
      skipped: eb('skipped', '+', rows - outcome.valid + outcome.skips.length),
    }))
    .where('id', '=', importId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (last && (await transition(trx, importOperation, { id: importId }, { to: 'completed', from: ['running'] }))) {
    await auditImport(trx, {
      orgId: merge.orgId,
      appId: updated.app_id,
      importId,
      action: 'import.completed',
      actor: 'system',
      operatorId: updated.started_by ?? updated.created_by,
      details: { file_name: updated.file_name, created_by: updated.created_by, mode: updated.mode, ...importCounts(updated), ledger_entries: updated.created + updated.updated },
    });
  }
  return !last;
}

async function giveUp(ctx: AppContext, importId: string, error: Error): Promise<void> {
  await failRun(ctx, importId, { code: 'run_failed', message: `The run stopped after ${RUN_RETRY_LIMIT + 1} attempts: ${error.message}. Rows applied before stay applied.` });
}

function failRun(ctx: AppContext, importId: string, error: ImportFileError): Promise<void> {
  return failImportWithAudit(ctx, importId, ['queued', 'running'], error, 'run');
}
