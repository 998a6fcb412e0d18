import type { Feature } from '../feature.ts';
import { accessPackageJob } from './access-package.job.ts';
import { accessPackageUpkeep } from './access-package-upkeep.ts';
import { registerAccessPackageRoutes } from './access-packages.routes.ts';
import { registerPrivacySettingsRoutes } from './privacy-settings.routes.ts';

/**
 * Privacy (docs/privacy.md): subject-access packages, reads on record, the record of processing and the
 * application's privacy settings.
 */
export const privacyFeature: Feature = {
  name: 'privacy',
  async routes(app, ctx) {
    await registerAccessPackageRoutes(app, ctx);
    await registerPrivacySettingsRoutes(app, ctx);
  },
  jobs: [accessPackageJob],
  operations: [accessPackageUpkeep],
};

// What other features may use: the record of processing (the retention settings page links it).
export { buildProcessingRecord, type ProcessingRecord } from './processing-record.ts';
