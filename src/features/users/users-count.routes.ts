import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { authorize, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { userFilterQuerySchema } from './users.filters.ts';
import { countUsers, EXACT_COUNT_LIMIT } from './users-count.ts';
import { scopeFiltersToRole } from './user-redaction.ts';
import { errorResponse } from '../../http/error-response.ts';

/** `GET /api/console/apps/{app_id}/users/count?<the list's filters>` → `{"count", "exact"}`. */
export async function registerUsersCountRoute(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/console/apps/:app_id/users/count',
    {
      onRequest: requireOperator(ctx),
      schema: {
        tags: ['console: users'],
        security: [{ consoleToken: [] }],
        // Grouped by hand: toLocaleString would page ICU's locale data into every server (bench:process).
        summary: `How many users match the filters: exact up to ${String(EXACT_COUNT_LIMIT).replace(/\B(?=(\d{3})+$)/g, ',')}, PostgreSQL's estimate beyond (exact: false)`,
        params: z.object({ app_id: z.string() }),
        querystring: userFilterQuerySchema,
        response: { 200: z.object({ count: z.number(), exact: z.boolean() }), 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.read');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      return countUsers(ctx.db, application.id, scopeFiltersToRole(operator.role, request.query));
    },
  );
}
