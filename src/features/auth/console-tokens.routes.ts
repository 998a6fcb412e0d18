import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { clientIp, operatorOf, requireOperator } from './auth.hooks.ts';
import { consoleSecurity, idParams, listOf, nameField } from './auth.schemas.ts';
import { issueOwnToken, listOwnTokens, revokeOwnToken } from './console-tokens.service.ts';

const tokenSchema = z.object({ id: z.string(), name: z.string(), created_at: z.string(), last_used_at: z.string().nullable(), revoked_at: z.string().nullable() });

export async function registerConsoleTokenRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['console: tokens'];
  const preHandler = requireOperator(ctx);

  app.get(
    '/api/console/tokens',
    { preHandler, schema: { tags, summary: 'Your console API tokens, newest first', security: consoleSecurity, response: { 200: listOf(tokenSchema) } } },
    async (request) => ({ results: await listOwnTokens(ctx, operatorOf(request)), next: null }),
  );

  app.post(
    '/api/console/tokens',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Create a console API token for yourself; send it as Authorization: Bearer. Shown once.',
        security: consoleSecurity,
        body: z.object({ name: nameField }),
        response: { 201: z.object({ id: z.string(), name: z.string(), created_at: z.string(), token: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await issueOwnToken(ctx, operatorOf(request), request.body.name, { ip: clientIp(request) })),
  );

  app.delete(
    '/api/console/tokens/:id',
    { preHandler, schema: { tags, summary: 'Revoke one of your tokens (idempotent)', security: consoleSecurity, params: idParams } },
    async (request, reply) => {
      await revokeOwnToken(ctx, operatorOf(request), request.params.id, { ip: clientIp(request) });
      return reply.status(204).send();
    },
  );
}
