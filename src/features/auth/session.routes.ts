import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { clientIp, operatorOf, requireOperator, SESSION_COOKIE } from './auth.hooks.ts';
import { applicationSchema, consoleSecurity, operatorEmailField, operatorSummarySchema, organizationSchema } from './auth.schemas.ts';
import { type Permission, permissions, permissionsOf } from '../../shared/roles.ts';
import type { PasswordCheckGate } from './password-check-gate.ts';
import { signIn, signOut } from './session.service.ts';
import { safeString } from '../../platform/validation/safe-text.ts';

const signInBody = z.object({
  email: operatorEmailField,
  // Whatever the person typed, but never a NUL or a lone surrogate (argon2 and PostgreSQL get only real text).
  password: safeString({ min: 1, max: 1024, controls: 'any' }),
});

const signedInResponse = z.object({ operator: operatorSummarySchema, organization: organizationSchema });

const meResponse = signedInResponse.extend({
  applications: z.array(applicationSchema),
  permissions: z.array(z.enum(permissions as [Permission, ...Permission[]])),
});

export function sessionCookieOptions(ctx: AppContext) {
  // HttpOnly keeps scripts away from it; Lax keeps it off cross-site POSTs; Secure whenever we are served over TLS.
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: ctx.config.PUBLIC_URL.startsWith('https:') };
}

function clearSessionCookie(ctx: AppContext, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx));
}

export async function registerSessionRoutes(scope: FastifyInstance, ctx: AppContext, gate: PasswordCheckGate): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['console: session'];

  app.post(
    '/api/console/session',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password; sets the roster_session cookie',
        body: signInBody,
        response: { 200: signedInResponse },
      },
    },
    async (request, reply) => {
      const signedIn = await signIn(ctx, gate, { ...request.body, ip: clientIp(request) });
      reply.setCookie(SESSION_COOKIE, signedIn.sessionSecret, sessionCookieOptions(ctx));
      return { operator: signedIn.operator, organization: signedIn.organization };
    },
  );

  app.delete(
    '/api/console/session',
    { schema: { tags, summary: 'Sign out: ends the session and clears its cookie' } },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) await signOut(ctx, secret, clientIp(request));
      clearSessionCookie(ctx, reply);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/console/me',
    {
      preHandler: requireOperator(ctx),
      schema: { tags, summary: 'The signed-in operator, its organization, its applications and what its role may do', security: consoleSecurity, response: { 200: meResponse } },
    },
    async (request) => {
      const operator = operatorOf(request);
      const [organization, applications] = await Promise.all([
        ctx.db.selectFrom('organizations').select(['id', 'name']).where('id', '=', operator.orgId).executeTakeFirstOrThrow(),
        ctx.db.selectFrom('applications').select(['id', 'name', 'created_at']).where('org_id', '=', operator.orgId).orderBy('created_at').orderBy('id').execute(),
      ]);
      return {
        operator: { id: operator.operatorId, email: operator.email, name: operator.name, role: operator.role },
        organization,
        applications: applications.map((application) => ({ ...application, created_at: application.created_at.toISOString() })),
        permissions: permissionsOf(operator.role),
      };
    },
  );
}
