import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { defineJob, type JobInfo } from '../../../platform/jobs/jobs.ts';
import { keepAlive, transition } from '../../../platform/operations/index.ts';
import { systemActor } from '../../audit/audit-writer.public.ts';
import { bulkActionOperation, failBulkAction } from './bulk-action-operation.ts';
import type { UserFilters } from '../users.filters.ts';
import { advanceBulkAction, applyBulkAction, type BulkSelection, findBulkAction, lockNextSelected } from './bulk-actions.repository.ts';

/** Users per transaction: each chunk locks, changes and audits its users and moves the resume point at once. */
export const BULK_CHUNK_USERS = Number(process.env.ROSTER_BULK_CHUNK_USERS ?? 1000);
export const BULK_RETRY_LIMIT = 2;

export const bulkActionJob = defineJob<{ bulkActionId: string; appId: string }, AppContext>({
  name: 'users.bulk_action',
  payload: z.object({ bulkActionId: z.string().uuid(), appId: z.string().uuid() }),
  queue: { notify: true, heartbeatSeconds: 10, retryLimit: BULK_RETRY_LIMIT, retryDelay: 2, expireInSeconds: 6 * 3600 },
  perOrganization: 1,
  handle: (payload, ctx, job) => runBulkAction(ctx, payload, job),
});

/**
 * Runs a bulk action chunk by chunk in didit_internal_id order. A worker killed mid-way leaves every
 * chunk either wholly applied (users, audit entries and progress together) or not at all; the retry
 * resumes after the last committed chunk.
 */
export async function runBulkAction(ctx: AppContext, payload: { bulkActionId: string; appId: string }, job: Pick<JobInfo, 'retryCount'> & { signal?: AbortSignal }): Promise<void> {
  const { bulkActionId, appId } = payload;
  const record = await findBulkAction(ctx.db, appId, bulkActionId);
  if (!record || record.status === 'completed' || record.status === 'failed') return;
  if (!(await transition(ctx.db, bulkActionOperation, { id: bulkActionId, appId }, { to: 'running', set: { started_at: sql`coalesce(started_at, now())` } }))) return;
  const alive = keepAlive(ctx.db, bulkActionOperation, { id: bulkActionId, appId }, { jobSignal: job.signal });
  const selection: BulkSelection = record.selection.ids ? { ids: record.selection.ids } : { filters: (record.selection.filters ?? {}) as UserFilters };
  const actor = { orgId: record.org_id, actor: { type: 'operator' as const, id: record.created_by, label: record.created_by_email }, ip: record.created_by_ip };
  let cursor = record.cursor_id;
  try {
    for (;;) {
      alive.checkpoint();
      const chunk = await ctx.db.transaction().execute(async (trx) => {
        const ids = await lockNextSelected(trx, appId, selection, cursor, BULK_CHUNK_USERS);
        if (ids.length === 0) return null;
        const applied = await applyBulkAction(trx, appId, ids, record.action, record.params, actor, bulkActionId);
        const lastId = ids[ids.length - 1];
        await advanceBulkAction(trx, appId, bulkActionId, { seen: ids.length, changed: applied.changed, lastId });
        return { lastId, faceKeys: applied.faceKeys };
      });
      if (!chunk) break;
      cursor = chunk.lastId;
      // After commit, as the users service does: a rollback must not leave users whose images are gone.
      for (const key of chunk.faceKeys) await ctx.storage.delete(key).catch((error: Error) => ctx.log.warn(`could not delete face image ${key}: ${error.message}`));
    }
    const done = await findBulkAction(ctx.db, appId, bulkActionId);
    await transition(ctx.db, bulkActionOperation, { id: bulkActionId, appId }, {
      to: 'completed',
      from: ['running'],
      audit: { orgId: record.org_id, appId, actor: systemActor('bulk action worker'), details: { action: record.action, processed: done?.processed, changed: done?.changed, requested_by: record.created_by_email } },
    });
  } catch (error) {
    if (job.retryCount >= BULK_RETRY_LIMIT) await failBulkAction(ctx, appId, bulkActionId, (error as Error).message).catch(() => {});
    throw error;
  } finally {
    alive.stop();
  }
}
