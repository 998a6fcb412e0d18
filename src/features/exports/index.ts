import type { Feature } from '../feature.ts';
import { exportJob } from './export.job.ts';
import { registerExportRoutes } from './exports.routes.ts';
import { exportUpkeep } from './export-upkeep.ts';

export const exportsFeature: Feature = {
  name: 'exports',
  routes: registerExportRoutes,
  jobs: [exportJob],
  operations: [exportUpkeep],
};
