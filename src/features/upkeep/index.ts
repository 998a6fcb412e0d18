import type { Feature } from '../feature.ts';
import { pruneChangeFeedJob } from './change-feed-pruning.job.ts';
import { sweepTemporaryFilesJob } from './temporary-files.job.ts';

/** Housekeeping that belongs to no single feature: what killed processes leave on disk, the change feed's tail. */
export const upkeepFeature: Feature = {
  name: 'upkeep',
  jobs: [sweepTemporaryFilesJob, pruneChangeFeedJob],
};

export { sweepTemporaryFiles } from './temporary-files.job.ts';
