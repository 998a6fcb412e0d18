import type { Feature } from '../feature.ts';
import { pruneChangeFeedJob } from './change-feed-pruning.job.ts';
import { sweepTemporaryFilesJob } from './temporary-files.job.ts';
import { applyRetentionJob } from './retention.job.ts';
import { registerRetentionRoutes } from './retention.routes.ts';

/**
 * Housekeeping that belongs to no single feature: what killed processes leave on disk, the change feed's
 * tail, and each application's retention per category (docs/privacy.md#retention).
 */
export const upkeepFeature: Feature = {
  name: 'upkeep',
  routes: registerRetentionRoutes,
  jobs: [sweepTemporaryFilesJob, pruneChangeFeedJob, applyRetentionJob],
};

export { sweepTemporaryFiles } from './temporary-files.job.ts';
export { applyRetention } from './retention.service.ts';

// The record of processing states each application's retention (docs/privacy.md#record-of-processing).
export { retentionInForce } from './retention-in-force.ts';
export type { RetentionCategory } from './retention-settings.ts';
