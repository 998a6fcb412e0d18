import type { Feature } from '../feature.ts';
import { sweepTemporaryFilesJob } from './temporary-files.job.ts';

/** Housekeeping that belongs to no single feature: what killed processes leave on disk. */
export const upkeepFeature: Feature = {
  name: 'upkeep',
  jobs: [sweepTemporaryFilesJob],
};

export { sweepTemporaryFiles } from './temporary-files.job.ts';
