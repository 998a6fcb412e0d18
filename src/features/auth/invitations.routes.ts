import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { clientIp, operatorOf, requireOperator, SESSION_COOKIE } from './auth.hooks.ts';
import { consoleSecurity, idParams, listOf, operatorSummarySchema, organizationSchema, roleSchema } from './auth.schemas.ts';
import { listInvitations, revokeInvitation } from './invitation-management.ts';
import { acceptInvitation, describeInvitation } from './invitations.service.ts';
import type { PasswordCheckGate } from './password-check-gate.ts';
import { sessionCookieOptions } from './session.routes.ts';
import { signIn } from './session.service.ts';

// The token travels in a JSON body, never in a path or query, so it stays out of logs.
const tokenField = safeString({ min: 1, max: 200 });

export const ACCEPT_INVITATION_PATH = '/api/console/invitations/accept';

const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  name: z.string(),
  status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  invited_by: z.object({ id: z.string(), email: z.string() }).nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  revoked_reason: z.enum(['revoked', 'sender_removed', 'sender_role_changed']).nullable(),
});

/**
 * The invitation page (no sign-in: the token is the credential) and its one-time acceptance; the list of
 * an organization's invitations and their revocation (OWNER, ADMIN).
 */
export async function registerInvitationRoutes(scope: FastifyInstance, ctx: AppContext, gate: PasswordCheckGate): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['console: invitations'];

  const preHandler = requireOperator(ctx);
  app.get(
    '/api/console/invitations',
    {
      preHandler,
      schema: { tags, security: consoleSecurity, summary: "OWNER, ADMIN: the organization's invitations, newest first (200 at most), with their status", response: { 200: listOf(invitationSchema) } },
    },
    async (request) => ({ results: await listInvitations(ctx, operatorOf(request)), next: null }),
  );

  app.delete(
    '/api/console/invitations/:id',
    {
      preHandler,
      schema: { tags, security: consoleSecurity, summary: 'OWNER, ADMIN (not for OWNER invitations): revoke a pending invitation; its link stops working at once', params: idParams },
    },
    async (request, reply) => {
      await revokeInvitation(ctx, operatorOf(request), request.params.id, { ip: clientIp(request) });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/console/invitations/lookup',
    {
      schema: {
        tags,
        summary: 'What an invitation link offers: the address, the role and the organization',
        body: z.object({ token: tokenField }),
        response: { 200: z.object({ email: z.string(), role: roleSchema, name: z.string(), organization: organizationSchema, expires_at: z.string() }) },
      },
    },
    async (request) => describeInvitation(ctx, request.body.token),
  );

  app.post(
    ACCEPT_INVITATION_PATH,
    {
      schema: {
        tags,
        summary: 'Accept an invitation: choose a password, become an operator and sign in (the link works once)',
        body: z.object({ token: tokenField, password: safeString({ min: 8, max: 1024, controls: 'any' }), name: safeString({ trim: true, max: 200 }).optional() }),
        response: { 200: z.object({ operator: operatorSummarySchema, organization: organizationSchema }) },
      },
    },
    async (request, reply) => {
      const ip = clientIp(request);
      const accepted = await acceptInvitation(ctx, request.body, { ip });
      const signedIn = await signIn(ctx, gate, { email: accepted.email, password: request.body.password, ip });
      reply.setCookie(SESSION_COOKIE, signedIn.sessionSecret, sessionCookieOptions(ctx));
      return { operator: signedIn.operator, organization: signedIn.organization };
    },
  );
}
