import type { Feature } from '../feature.ts';
import { registerApiKeyRoutes } from './api-keys.routes.ts';
import { registerAppRoutes } from './apps.routes.ts';
import { followApiKeyRevocations, SESSION_COOKIE } from './auth.hooks.ts';
import { registerConsoleTokenRoutes } from './console-tokens.routes.ts';
import { rejectCrossSiteRequest } from './csrf.ts';
import { registerOperatorRoutes } from './operators.routes.ts';
import { registerPasswordRoutes } from './passwords.routes.ts';
import { registerSessionRoutes } from './session.routes.ts';
import { createLoginThrottles } from './session.service.ts';

export const authFeature: Feature = {
  name: 'auth',
  async routes(app, ctx) {
    // Routes of other features are covered by requireOperator, which makes the same check for cookie callers.
    app.addHook('onRequest', async (request) => {
      if (request.headers.authorization) return;
      const signingIn = request.routeOptions.url === '/api/console/session' && request.method === 'POST';
      if (signingIn || request.cookies[SESSION_COOKIE]) rejectCrossSiteRequest(request, ctx.config.PUBLIC_URL);
    });
    // One set of counters per app instance, so separate instances (and test files) do not share them.
    await registerSessionRoutes(app, ctx, createLoginThrottles());
    await registerAppRoutes(app, ctx);
    await registerOperatorRoutes(app, ctx);
    await registerApiKeyRoutes(app, ctx);
    await registerConsoleTokenRoutes(app, ctx);
    await registerPasswordRoutes(app, ctx);
    await followApiKeyRevocations(ctx);
  },
};
