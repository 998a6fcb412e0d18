import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { authorize, clientIp, loadOwnedApp, operatorOf, requireOperator } from './auth.hooks.ts';
import { appItemParams, appParams, consoleSecurity, listOf, nameField } from './auth.schemas.ts';
import { issueApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  created_at: z.string(),
  created_by: z.string().nullable().describe('Id of the operator who created it; null when made by the CLI'),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export async function registerApiKeyRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['console: API keys'];
  const preHandler = requireOperator(ctx);

  app.get(
    '/api/console/apps/:app_id/api-keys',
    { preHandler, schema: { tags, summary: "The application's API keys, newest first (OWNER, ADMIN)", security: consoleSecurity, params: appParams, response: { 200: listOf(apiKeySchema) } } },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'apikeys.manage');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      return { results: await listApiKeys(ctx, application.id), next: null };
    },
  );

  app.post(
    '/api/console/apps/:app_id/api-keys',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Create an API key; the key is in this response only (OWNER, ADMIN)',
        security: consoleSecurity,
        params: appParams,
        body: z.object({ name: nameField }),
        response: { 201: apiKeySchema.extend({ api_key: z.string() }) },
      },
    },
    async (request, reply) => {
      const operator = operatorOf(request);
      authorize(operator, 'apikeys.manage');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      return reply.status(201).send(await issueApiKey(ctx, operator, application.id, request.body.name, { ip: clientIp(request) }));
    },
  );

  app.delete(
    '/api/console/apps/:app_id/api-keys/:id',
    { preHandler, schema: { tags, summary: 'Revoke an API key at once (idempotent; OWNER, ADMIN)', security: consoleSecurity, params: appItemParams } },
    async (request, reply) => {
      const operator = operatorOf(request);
      authorize(operator, 'apikeys.manage');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      await revokeApiKey(ctx, operator, application.id, request.params.id, { ip: clientIp(request) });
      return reply.status(204).send();
    },
  );
}
