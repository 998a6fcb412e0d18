import type { Feature } from '../feature.ts';
import { erasureJob, erasureUpkeep } from './erasure.job.ts';
import { registerErasureRoutes } from './erasures.routes.ts';

/** Erasure of one person everywhere Roster keeps them, with a legal hold and a certificate (docs/privacy.md#erasure). */
export const erasureFeature: Feature = {
  name: 'erasure',
  routes: registerErasureRoutes,
  jobs: [erasureJob],
  operations: [erasureUpkeep],
};

// The daily retention run purges held records past their hold (docs/privacy.md#legal-hold).
export { purgeExpiredHolds } from './erasure-holds.ts';
