import type { Feature } from '../feature.ts';
import { registerOverviewRoutes } from './overview.routes.ts';

/** The console's overview page: reads users, imports and exports through their owners' exported functions. */
export const overviewFeature: Feature = {
  name: 'overview',
  async routes(app, ctx) {
    await registerOverviewRoutes(app, ctx);
  },
};
