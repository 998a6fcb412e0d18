import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { authorize, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { can } from '../../shared/roles.ts';
import { listExportsPage } from '../exports/index.ts';
import { listImports } from '../imports/index.ts';
import { countUsers, userStats } from '../users/index.ts';
import { errorResponse } from '../../http/error-response.ts';

const count = z.number();
const overviewSchema = z.object({
  users: z.object({
    total: z.object({ count, exact: z.boolean() }),
    by_status: z.array(z.object({ status: z.string(), count })),
    by_country: z.array(z.object({ country: z.string().nullable().describe('"other" sums the countries past the top eight; null: no country'), count })),
    created_per_day: z.array(z.object({ day: z.string().describe('UTC day, YYYY-MM-DD'), count })).describe('The last 30 days, oldest first'),
  }),
  recent_imports: z
    .array(
      z.object({
        id: z.string(),
        file_name: z.string(),
        status: z.string(),
        total_rows: count,
        created: count,
        updated: count,
        skipped: count,
        created_at: z.string(),
        finished_at: z.string().nullable(),
      }),
    )
    .nullable()
    .describe('null for roles that may not see imports'),
  recent_exports: z.array(z.object({ id: z.string(), status: z.string(), row_count: z.number().nullable(), created_by: z.string().nullable(), created_at: z.string(), finished_at: z.string().nullable(), error: z.string().nullable() })),
});

/** The console's landing page in one request: users by status, country and day; recent imports and exports. */
export async function registerOverviewRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/console/apps/:app_id/overview',
    {
      onRequest: requireOperator(ctx),
      schema: {
        tags: ['console: overview'],
        security: [{ consoleToken: [] }],
        summary: 'Users by status, by country and created per day (30 days); the five latest imports and exports',
        params: z.object({ app_id: z.string() }),
        response: { 200: overviewSchema, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.read');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      const [total, stats, imports, exports] = await Promise.all([
        countUsers(ctx.db, application.id, {}),
        userStats(ctx.db, application.id),
        can(operator.role, 'imports.manage') ? listImports(ctx, application.id, 5) : null,
        listExportsPage(ctx, operator, application.id, { limit: 5 }),
      ]);
      return {
        users: { total, ...stats },
        recent_imports:
          imports?.results.map((view) => ({
            id: view.id,
            file_name: view.file_name,
            status: view.status,
            total_rows: view.total_rows,
            created: view.created,
            updated: view.updated,
            skipped: view.skipped,
            created_at: view.created_at,
            finished_at: view.finished_at,
          })) ?? null,
        recent_exports: exports.results.map((record) => ({
          id: record.id,
          status: record.status,
          row_count: record.row_count === null ? null : Number(record.row_count),
          created_by: record.created_by_email,
          created_at: record.created_at.toISOString(),
          finished_at: record.finished_at?.toISOString() ?? null,
          error: record.error,
        })),
      };
    },
  );
}
