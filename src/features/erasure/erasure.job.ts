import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { needlesOf } from '../../platform/erasure/erase-values.ts';
import { defineJob, type JobInfo } from '../../platform/jobs/jobs.ts';
import { isOperationLeft, keepAlive, type OperationUpkeep, transition } from '../../platform/operations/index.ts';
import { buildCertificate } from './erasure-certificate.ts';
import { erasureOperation } from './erasure-operation.ts';
import { erasureActor, runErasureSteps } from './erasure-steps.ts';
import type { ErasureSubjectRecord } from './erasure.tables.ts';
import { findErasureForJob } from './erasures.repository.ts';

export const ERASURE_RETRY_LIMIT = 20;

/** Runs an erasure's steps (erasure-steps.ts); a retry, or another worker after a crash, resumes after the last commit. */
export const erasureJob = defineJob<{ erasureId: string }, AppContext>({
  name: 'erasures.run',
  payload: z.object({ erasureId: z.string().uuid() }),
  // A killed worker stops heartbeating; pg-boss fails its job and the retry resumes at the last step committed.
  queue: { heartbeatSeconds: 10, expireInSeconds: 6 * 3600, retryLimit: ERASURE_RETRY_LIMIT, retryDelay: 2, retryBackoff: true, notify: true },
  async handle({ erasureId }, ctx, job) {
    try {
      await runErasure(ctx, erasureId, job);
    } catch (error) {
      if (isOperationLeft(error)) return;
      if (job.retryCount >= ERASURE_RETRY_LIMIT) return failErasure(ctx, erasureId, `Stopped after ${ERASURE_RETRY_LIMIT + 1} attempts: ${(error as Error).message}. Request the erasure again to resume it.`);
      throw error;
    }
  },
  async poisoned({ erasureId }, ctx, message) {
    await failErasure(ctx, erasureId, `${message} Request the erasure again to resume it.`);
  },
});

export async function runErasure(ctx: AppContext, erasureId: string, job: Pick<JobInfo, 'signal'>): Promise<void> {
  const erasure = await findErasureForJob(ctx.db, erasureId);
  if (!erasure || (erasure.status !== 'queued' && erasure.status !== 'running') || !erasure.subject) return;
  if (!(await transition(ctx.db, erasureOperation, { id: erasureId }, { to: 'running', set: { started_at: sql`coalesce(started_at, now())` } }))) return;
  const alive = keepAlive(ctx.db, erasureOperation, { id: erasureId }, { jobSignal: job.signal });
  try {
    const subject = erasure.subject as ErasureSubjectRecord;
    const needles = needlesOf([subject.email, subject.phone, subject.full_name, subject.display_name, ...(subject.former_values ?? [])]);
    await runErasureSteps({ ctx, erasure, subject, needles, alive });
    const finished = await ctx.db.selectFrom('erasures').selectAll().where('id', '=', erasureId).executeTakeFirstOrThrow();
    const completedAt = new Date();
    const certificate = buildCertificate({ ...finished, finished_at: completedAt });
    await transition(ctx.db, erasureOperation, { id: erasureId }, {
      to: 'completed',
      from: ['running'],
      // The person's values go with the end: nothing of them stays outside the held record.
      set: { subject: null, certificate: JSON.stringify(certificate), finished_at: completedAt },
      audit: { orgId: erasure.org_id, appId: erasure.app_id, actor: erasureActor, details: { didit_internal_id: erasure.didit_internal_id, vendor_data: erasure.vendor_data, legal_hold: erasure.legal_hold, hold_until: erasure.hold_until?.toISOString() ?? null, requested_by: erasure.requested_by } },
    });
  } finally {
    alive.stop();
  }
}

export async function failErasure(ctx: AppContext, erasureId: string, message: string): Promise<void> {
  const erasure = await findErasureForJob(ctx.db, erasureId);
  if (!erasure) return;
  await transition(ctx.db, erasureOperation, { id: erasureId }, {
    to: 'failed',
    from: ['queued', 'running'],
    set: { error: message },
    audit: { orgId: erasure.org_id, appId: erasure.app_id, actor: erasureActor, details: { didit_internal_id: erasure.didit_internal_id, steps_done: erasure.steps_done, error: message } },
  });
}

/**
 * For the one sweeper: an erasure must end, so one left silent (its job lost, its worker gone for good)
 * is sent again rather than failed; it resumes after its last committed step.
 */
export const erasureUpkeep: OperationUpkeep<AppContext> = {
  kind: erasureOperation,
  async failSilent(ctx, silent) {
    for (const { id } of silent) {
      const erasure = await findErasureForJob(ctx.db, id);
      if (erasure) await ctx.jobs.send(erasureJob, { erasureId: id }, { singletonKey: `erasure-${id}` });
    }
  },
};
