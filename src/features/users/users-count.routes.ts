import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { authorize, loadOwnedApp, operatorOf, requireOperator } from '../auth/auth.hooks.ts';
import { countUsers, EXACT_COUNT_LIMIT } from './users-count.repository.ts';
import { userFilterQuerySchema } from './users.filters.ts';
import { errorResponse } from './users.schemas.ts';

const appParams = z.object({ app_id: z.string() });
const countResponse = z.object({
  count: z.number().int().describe(`Users matching the filters: exact up to ${EXACT_COUNT_LIMIT.toLocaleString('en')}, an estimate beyond`),
  exact: z.boolean().describe('False when count is an estimate'),
});

/** The users page's total: the same filters and role rule as the users list (console API). */
export async function registerUsersCountRoute(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/console/apps/:app_id/users/count',
    {
      onRequest: requireOperator(ctx),
      schema: {
        tags: ['console: users'],
        security: [{ consoleToken: [] }],
        summary: `How many users match the filters (exact up to ${EXACT_COUNT_LIMIT.toLocaleString('en')}, estimated beyond)`,
        params: appParams,
        querystring: userFilterQuerySchema,
        response: { 200: countResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.read');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      return countUsers(ctx.db, application.id, request.query);
    },
  );
}
