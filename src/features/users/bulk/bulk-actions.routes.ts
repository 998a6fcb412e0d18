import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { authorize, clientIp, loadOwnedApp, operatorOf, requireOperator } from '../../auth/index.ts';
import { getBulkAction, recentBulkActions, requestBulkAction } from './bulk-actions.service.ts';
import { errorResponse } from '../../../http/error-response.ts';

const bulkActionSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  action: z.enum(['set_status', 'add_tag', 'remove_tag', 'delete']),
  params: z.object({ status: z.string().optional(), reason: z.string().optional(), tag: z.string().optional() }),
  selection: z.object({ ids: z.number().optional().describe('How many ids were checked'), filters: z.record(z.string(), z.unknown()).optional() }),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  total: z.number().describe('Users selected when the action was requested'),
  processed: z.number().describe('Users the job has gone through so far'),
  changed: z.number().describe('Users actually changed (each has its own audit entry)'),
  created_by: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  error: z.string().nullable(),
});

const requestBody = z
  .object({
    action: z.unknown().meta({ type: 'string', enum: ['set_status', 'add_tag', 'remove_tag', 'delete'] }),
    ids: z.unknown().optional().meta({ type: 'array', items: { type: 'string' }, description: 'Checked users (didit_internal_id), up to 10,000' }),
    filters: z.unknown().optional().meta({ type: 'object', description: 'Every user matching these filters (as an export takes them)' }),
    status: z.unknown().optional().meta({ type: 'string', description: 'set_status: the new status' }),
    reason: z.unknown().optional().meta({ type: 'string', description: 'set_status: why (required)' }),
    tag: z.unknown().optional().meta({ type: 'string', description: 'add_tag / remove_tag: the tag' }),
  })
  .catchall(z.unknown());

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 422: errorResponse };

/** Bulk actions on users: checked rows or every user matching filters, run as an audited job. */
export async function registerBulkActionRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireOperator(ctx);
  const tags = ['console: users'];
  const security = [{ consoleToken: [] }];
  const appParams = z.object({ app_id: z.string() });

  app.post(
    '/api/console/apps/:app_id/users/bulk-actions',
    {
      onRequest,
      schema: { tags, security, summary: 'Change status, add or remove a tag, or delete many users (OWNER, ADMIN, COMPLIANCE_OFFICER)', params: appParams, body: requestBody, response: { 202: bulkActionSchema, ...errors } },
    },
    async (request, reply) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.write');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      reply.code(202);
      return requestBulkAction(ctx, operator, application.id, request.body, clientIp(request));
    },
  );

  app.get(
    '/api/console/apps/:app_id/users/bulk-actions',
    { onRequest, schema: { tags, security, summary: 'Recent bulk actions, newest first', params: appParams, response: { 200: z.object({ results: z.array(bulkActionSchema), next: z.null() }), ...errors } } },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.write');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      return { results: await recentBulkActions(ctx, application.id), next: null };
    },
  );

  app.get(
    '/api/console/apps/:app_id/users/bulk-actions/:id',
    { onRequest, schema: { tags, security, summary: 'A bulk action and its progress', params: appParams.extend({ id: z.string() }), response: { 200: bulkActionSchema, ...errors } } },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.write');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      return getBulkAction(ctx, application.id, request.params.id);
    },
  );
}
