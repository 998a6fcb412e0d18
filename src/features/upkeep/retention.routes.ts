import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { errorResponse } from '../../http/error-response.ts';
import { clientIp, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { retentionCategories } from './retention-settings.ts';
import { changeRetention, getRetention } from './retention.service.ts';

const periods = z.object(Object.fromEntries(retentionCategories.map((category) => [category, z.string().nullable()])) as Record<(typeof retentionCategories)[number], z.ZodNullable<z.ZodString>>);
const retentionSchema = z.object({
  retention: periods,
  defaults: periods,
  overridden: z.array(z.enum(retentionCategories)),
  next_run_at: z.string(),
  last_run: z.object({ at: z.string(), removed: z.record(z.string(), z.unknown()) }).nullable(),
});
const body = z
  .object(Object.fromEntries(retentionCategories.map((category) => [category, z.string().max(20).nullable().optional()])) as Record<(typeof retentionCategories)[number], z.ZodOptional<z.ZodNullable<z.ZodString>>>)
  .strict();
const params = z.object({ app_id: z.string() });
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 422: errorResponse };

/** An application's retention per category (docs/privacy.md#retention). */
export async function registerRetentionRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireOperator(ctx);
  const tags = ['console: privacy'];
  const security = [{ consoleToken: [] }];
  app.get(
    '/api/console/apps/:app_id/retention',
    { onRequest, schema: { tags, security, summary: 'How long each kind of data is kept, the defaults, and the next daily run (OWNER, ADMIN, COMPLIANCE_OFFICER)', params, response: { 200: retentionSchema, ...errors } } },
    async (request) => {
      const operator = operatorOf(request);
      return getRetention(ctx, operator, await loadOwnedApp(ctx, operator, request.params.app_id));
    },
  );
  app.put(
    '/api/console/apps/:app_id/retention',
    {
      onRequest,
      schema: { tags, security, summary: 'Change some categories (OWNER, ADMIN): a period like 30d, 12w or 3y, null to keep with no end, or "default"', params, body, response: { 200: retentionSchema, ...errors } },
    },
    async (request) => {
      const operator = operatorOf(request);
      return changeRetention(ctx, operator, await loadOwnedApp(ctx, operator, request.params.app_id), request.body, clientIp(request));
    },
  );
}
