import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { clientIp, operatorOf, requireOperator, SESSION_COOKIE } from './auth.hooks.ts';
import { consoleSecurity, idParams } from './auth.schemas.ts';
import { hashSecret } from './credentials.ts';
import type { PasswordCheckGate } from './password-check-gate.ts';
import { changeOwnPassword, completePasswordReset, requestPasswordReset } from './passwords.service.ts';

const password = z.string().max(4096);

/** Own password change, an OWNER's reset link for another operator, and using that link. */
export async function registerPasswordRoutes(scope: FastifyInstance, ctx: AppContext, gate: PasswordCheckGate): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['console: operators'];
  const preHandler = requireOperator(ctx);

  app.post(
    '/api/console/me/password',
    {
      preHandler,
      schema: { tags, security: consoleSecurity, summary: 'Change your own password (the current one is required; throttled like sign-in); your other sessions and your console tokens end', body: z.object({ current_password: password, new_password: password }) },
    },
    async (request, reply) => {
      const cookie = request.cookies?.[SESSION_COOKIE];
      await changeOwnPassword(ctx, gate, operatorOf(request), request.body, { ip: clientIp(request), sessionTokenHash: cookie ? hashSecret(cookie) : undefined });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/console/operators/:id/password-reset',
    {
      preHandler,
      schema: {
        tags,
        security: consoleSecurity,
        summary: 'OWNER: mail an operator a one-time link to choose a new password (works 24 hours)',
        params: idParams,
        response: { 202: z.object({ email: z.string(), expires_at: z.string() }) },
      },
    },
    async (request, reply) => reply.status(202).send(await requestPasswordReset(ctx, operatorOf(request), request.params.id, { ip: clientIp(request) })),
  );

  app.post(
    '/api/console/password-resets',
    {
      schema: {
        tags,
        summary: 'Use a reset link: set a new password with its token (no sign-in needed); every session and console token of that operator ends',
        body: z.object({ token: z.string().min(1).max(200), new_password: password }),
        response: { 200: z.object({ email: z.string() }) },
      },
    },
    async (request) => completePasswordReset(ctx, request.body, { ip: clientIp(request) }),
  );
}
