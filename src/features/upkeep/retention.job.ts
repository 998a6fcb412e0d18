import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { applyRetention, RETENTION_SCHEDULE } from './retention.service.ts';

/** Daily: each application's retention per category, and held records past their hold (docs/privacy.md#retention). */
export const applyRetentionJob = defineJob<Record<string, never>, AppContext>({
  name: 'retention.apply',
  payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  schedule: RETENTION_SCHEDULE,
  queue: { retryLimit: 2, retryDelay: 300, expireInSeconds: 6 * 3600 },
  async handle(_payload, ctx) {
    const report = await applyRetention(ctx);
    const total = Object.values(report).reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0);
    ctx.log.info(`retention: ${Object.keys(report).length} application(s), ${total} item(s) removed`);
  },
});
