import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { pruneChanges } from '../users/index.ts';

/**
 * Every 15 minutes: the change feed keeps CHANGE_FEED_RETENTION (docs/change-feed.md); older cursors
 * answer 410. (Files of long-running work are the operations sweep's: docs/operations.md.)
 */
export const pruneChangeFeedJob = defineJob<Record<string, never>, AppContext>({
  name: 'change-feed.prune',
  payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  schedule: '*/15 * * * *',
  queue: { retryLimit: 1, retryDelay: 60, expireInSeconds: 3600 },
  async handle(_payload, ctx) {
    const pruned = await pruneChanges(ctx.db, new Date(Date.now() - ctx.config.CHANGE_FEED_RETENTION * 1000));
    if (pruned > 0) ctx.log.info(`change feed: pruned ${pruned} change(s) past CHANGE_FEED_RETENTION`);
  },
});
