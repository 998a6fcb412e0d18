import { sql, type Transaction } from 'kysely';
import { queryable, withDeadlockRetries } from '../staging/chunk-transactions.ts';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import type { Database } from '../../../db/schema.ts';
import { defineJob, type JobInfo } from '../../../platform/jobs/jobs.ts';
import { keepAlive, transition } from '../../../platform/operations/index.ts';
import { failRevert, revertOperation } from './revert-operation.ts';
import { type RevertContext, revertLedgerChunk } from '../../users/index.ts';
import { auditImport } from '../import-audit.ts';
import { findImportForJob } from '../imports.repository.ts';

export const REVERT_RETRY_LIMIT = 10;

/**
 * The revert of an import (docs/import-ledger.md#revert): its ledger is undone chunk by chunk; each chunk commits with the
 * cursor (the last ledger entry handled), its counts and its conflicts, so a worker killed mid-revert
 * leaves a state another worker resumes exactly, with no user restored, deleted or counted twice.
 */
export const revertImportJob = defineJob<{ importId: string }, AppContext>({
  name: 'imports.revert',
  payload: z.object({ importId: z.string().uuid() }),
  queue: { heartbeatSeconds: 10, expireInSeconds: 6 * 3600, retryLimit: REVERT_RETRY_LIMIT, retryDelay: 1, notify: true },
  work: { localConcurrency: 2 },
  perOrganization: 1,
  async handle({ importId }, ctx, job) {
    try {
      await revertImport(ctx, importId, job);
    } catch (error) {
      if (job.retryCount >= REVERT_RETRY_LIMIT) await giveUp(ctx, importId, error as Error);
      throw error;
    }
  },
});

export async function revertImport(ctx: AppContext, importId: string, job: Pick<JobInfo, 'signal'>): Promise<void> {
  const record = await findImportForJob(ctx.db, importId);
  if (!record || (record.revert_status !== 'queued' && record.revert_status !== 'running')) return;
  const operator = await ctx.db.selectFrom('operators').select(['id', 'email']).where('id', '=', record.reverted_by ?? record.created_by).executeTakeFirstOrThrow();
  const context: RevertContext = { orgId: record.org_id, appId: record.app_id, importId, fileName: record.file_name, actor: { type: 'operator', id: operator.id, label: operator.email } };
  await transition(ctx.db, revertOperation, { id: importId }, { to: 'running', from: ['queued'] });
  const chunkEntries = ctx.config.ROSTER_IMPORT_CHUNK_ROWS;
  const started = performance.now();
  const alive = keepAlive(ctx.db, revertOperation, { id: importId }, { jobSignal: job.signal });
  try {
    for (;;) {
      alive.checkpoint();
      const more = await withDeadlockRetries(() => ctx.db.transaction().execute((trx) => revertNextChunk(trx, context, chunkEntries)));
      if (!more) break;
    }
  } finally {
    alive.stop();
  }
  ctx.log.info(`import ${importId}: revert ended in ${Math.round(performance.now() - started)} ms`);
}

/** One chunk in one transaction: lock the import, revert the entries after its cursor, move the cursor and counts. Returns whether entries remain. */
async function revertNextChunk(trx: Transaction<Database>, context: RevertContext, chunkEntries: number): Promise<boolean> {
  await sql`SET LOCAL synchronous_commit = off`.execute(trx);
  const current = await trx.selectFrom('imports').selectAll().where('id', '=', context.importId).forUpdate().executeTakeFirst();
  if (!current || current.revert_status !== 'running') return false;
  const outcome = await revertLedgerChunk(queryable(trx), context, current.revert_cursor, chunkEntries);
  if (outcome.conflicts.length > 0) {
    await trx
      .insertInto('import_revert_conflicts')
      .values(outcome.conflicts.map((conflict) => ({ import_id: context.importId, ...conflict })))
      .onConflict((oc) => oc.columns(['import_id', 'audit_id', 'field']).doNothing())
      .execute();
  }
  const last = outcome.entries < chunkEntries;
  const updated = await trx
    .updateTable('imports')
    .set((eb) => ({
      revert_cursor: outcome.entries > 0 ? outcome.lastId : current.revert_cursor,
      revert_heartbeat_at: new Date(),
      reverted: eb('reverted', '+', outcome.reverted),
      deleted: eb('deleted', '+', outcome.deleted),
      conflicts: eb('conflicts', '+', outcome.conflicts.length),
    }))
    .where('id', '=', context.importId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (last && (await transition(trx, revertOperation, { id: context.importId }, { to: 'completed', from: ['running'] }))) {
    await auditImport(trx, {
      orgId: context.orgId,
      appId: context.appId,
      importId: context.importId,
      action: 'import.reverted',
      actor: 'system',
      operatorId: context.actor.id,
      details: { file_name: updated.file_name, reverted: updated.reverted, deleted: updated.deleted, conflicts: updated.conflicts },
    });
  }
  return !last;
}

async function giveUp(ctx: AppContext, importId: string, error: Error): Promise<void> {
  const message = `The revert stopped after ${REVERT_RETRY_LIMIT + 1} attempts: ${error.message}. Chunks already reverted stay reverted.`;
  await failRevert(ctx, importId, message);
}
