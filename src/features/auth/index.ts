import type { Feature } from '../feature.ts';
import { registerApiKeyRoutes } from './api-keys.routes.ts';
import { registerAppRoutes } from './apps.routes.ts';
import { followApiKeyRevocations, SESSION_COOKIE } from './auth.hooks.ts';
import { registerConsoleTokenRoutes } from './console-tokens.routes.ts';
import { rejectCrossSiteRequest } from './csrf.ts';
import { ACCEPT_INVITATION_PATH, registerInvitationRoutes } from './invitations.routes.ts';
import { registerOperatorRoutes } from './operators.routes.ts';
import { registerPasswordRoutes } from './passwords.routes.ts';
import { registerSessionRoutes } from './session.routes.ts';
import { passwordCheckGate } from './password-check-gate.ts';

export const authFeature: Feature = {
  name: 'auth',
  async routes(app, ctx) {
    // Routes of other features are covered by requireOperator, which makes the same check for cookie callers.
    app.addHook('onRequest', async (request) => {
      if (request.headers.authorization) return;
      // Both set a session cookie: a foreign page must not sign a browser in.
      const signingIn = request.method === 'POST' && (request.routeOptions.url === '/api/console/session' || request.routeOptions.url === ACCEPT_INVITATION_PATH);
      if (signingIn || request.cookies[SESSION_COOKIE]) rejectCrossSiteRequest(request, ctx.config.PUBLIC_URL);
    });
    // The sign-in counters live in PostgreSQL (shared by every process); the argon2 bound is per process.
    await registerSessionRoutes(app, ctx, passwordCheckGate);
    await registerInvitationRoutes(app, ctx, passwordCheckGate);
    await registerAppRoutes(app, ctx);
    await registerOperatorRoutes(app, ctx);
    await registerApiKeyRoutes(app, ctx);
    await registerConsoleTokenRoutes(app, ctx);
    await registerPasswordRoutes(app, ctx, passwordCheckGate);
    await followApiKeyRevocations(ctx);
  },
};

// What other features use: who is calling and what they may do, the application an operator owns, the
// console routes' shared shapes, the operator a scheduled export runs as, and (for tests) a new application.
export { apiKeyOf, authorize, clientIp, loadOwnedApp, operatorOf, requireApiKey, requireOperator } from './auth.hooks.ts';
export type { ApiKeyPrincipal, OperatorPrincipal, Principal } from './principal.ts';
export { appItemParams, appParams, consoleSecurity } from './auth.schemas.ts';
export { findOperator } from './operators.repository.ts';
export { createApplication } from './tenancy.service.ts';
