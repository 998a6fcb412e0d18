import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { findOperator, type OperatorPrincipal } from '../auth/index.ts';
import { finishScheduledRuns } from './schedule-delivery.ts';
import { nextRun } from './schedule-cron.ts';
import { hasRunInFlight, lockDueSchedules, setNextRun } from './schedules.repository.ts';
import { startRun, TickAlreadyRun } from './schedules.service.ts';

/**
 * Every minute, on whichever worker pg-boss gives the tick to: close the runs whose export ended, then
 * start the due ones. A due schedule is locked for the tick (SKIP LOCKED) and its run row is unique per
 * tick, so a tick runs once however many workers look (docs/export-schedules.md).
 */
export const scheduleTickJob = defineJob<Record<string, never>, AppContext>({
  name: 'export-schedules.tick',
  payload: z.object({}).passthrough() as never,
  schedule: '* * * * *',
  queue: { retryLimit: 0, expireInSeconds: 600 },
  work: { pollingIntervalSeconds: 5 },
  async handle(_payload, ctx) {
    await finishScheduledRuns(ctx);
    await startDueRuns(ctx);
  },
});

/** Starts the runs due at `now`; returns the export ids started. */
export async function startDueRuns(ctx: AppContext, now = new Date()): Promise<string[]> {
  const started: string[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    for (const schedule of await lockDueSchedules(trx, now)) {
      const tickAt = schedule.next_run_at;
      // The next tick after now: a worker that was down for an hour runs one catch-up, not sixty.
      await setNextRun(trx, schedule.app_id, schedule.id, nextRun(schedule.cron, schedule.timezone, now));
      // An incremental chain waits for its previous run: two runs from the same start would repeat changes.
      if (schedule.incremental && (await hasRunInFlight(ctx.db, schedule.app_id, schedule.id))) {
        ctx.log.info(`export schedule ${schedule.id}: tick ${tickAt.toISOString()} skipped, the previous run has not finished`);
        continue;
      }
      const creator = await runAs(ctx, schedule.app_id, schedule.created_by);
      if (!creator) {
        ctx.log.warn(`export schedule ${schedule.id}: its creator no longer exists or was removed; the tick is skipped`);
        continue;
      }
      try {
        started.push((await startRun(ctx, schedule, creator, tickAt, null)).id);
      } catch (error) {
        if (error instanceof TickAlreadyRun) continue;
        ctx.log.warn(`export schedule ${schedule.id}: the run could not start: ${(error as Error).message}`);
      }
    }
  });
  return started;
}

/** The schedule's creator as they are now: their role's column rules apply to each run. */
async function runAs(ctx: AppContext, appId: string, operatorId: string): Promise<OperatorPrincipal | undefined> {
  const app = await ctx.db.selectFrom('applications').select('org_id').where('id', '=', appId).executeTakeFirst();
  if (!app) return undefined;
  const operator = await findOperator(ctx.db, app.org_id, operatorId);
  if (!operator) return undefined;
  return { kind: 'operator', operatorId: operator.id, orgId: app.org_id, role: operator.role, email: operator.email, name: operator.name, via: 'token' };
}
