import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { type RateLimiter, rateLimitByApiKey } from '../../http/rate-limit.ts';
import { apiKeyOf, authorize, clientIp, loadOwnedApp, operatorOf, requireApiKey, requireOperator } from '../auth/index.ts';
import { seesPersonalData } from './user-redaction.ts';
import { recordUsersShown } from './users-reads.ts';
import { consoleFeedQuery, feedQuery, readConsoleFeed, readFeedJson } from './user-changes.service.ts';
import { apiErrors, apiKeySecurity, slashVariants } from './users.routes.ts';
import { errorResponse } from '../../http/error-response.ts';

const change = z.object({
  seq: z.number(),
  event_id: z.string(),
  type: z.string(),
  occurred_at: z.string(),
  didit_internal_id: z.string(),
  vendor_data: z.string(),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  reason: z.string().nullable(),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  source: z.object({ kind: z.string(), id: z.string().nullable() }),
  user: z.record(z.string(), z.unknown()).nullable().describe('The user after the change; null when deleted'),
});
const feedPage = z.object({ results: z.array(change), next_after: z.number(), has_more: z.boolean() });
const consoleChange = change.extend({ redacted: z.array(z.string()).describe('Personal fields withheld from your role: null in `changes` and `user`') });
const consoleFeedPage = z.object({
  results: z.array(consoleChange),
  next_after: z.number().optional(),
  next_before: z.number().optional(),
  has_more: z.boolean(),
});

/** The change feed (docs/change-feed.md): for API keys, and for operators redacted by role. */
export async function registerChangeFeedRoutes(scope: FastifyInstance, ctx: AppContext, limiter: RateLimiter): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = [requireApiKey(ctx), rateLimitByApiKey(limiter)];
  for (const [url, hide] of slashVariants('/v3/user-changes/')) {
    app.get(
      url,
      {
        onRequest,
        schema: {
          hide,
          tags: ['users API'],
          security: apiKeySecurity,
          summary: 'Changes to users in seq order after `after`; 410 cursor_expired past CHANGE_FEED_RETENTION',
          querystring: feedQuery,
          response: { 200: feedPage, 410: errorResponse, ...apiErrors },
        },
      },
      async (request, reply) => {
        const principal = apiKeyOf(request);
        const json = await readFeedJson(ctx, principal.appId, request.query);
        if (ctx.config.AUDIT_API_READS) {
          const ids = (JSON.parse(json) as { results: { didit_internal_id: string }[] }).results.map((change) => change.didit_internal_id);
          recordUsersShown(ctx, { principal, appId: principal.appId, ip: clientIp(request) }, 'user_changes.listed', ids);
        }
        // Built by PostgreSQL (user-changes.repository.ts): sent as it is.
        return reply.type('application/json; charset=utf-8').send(json as unknown as z.infer<typeof feedPage>);
      },
    );
  }

  app.get(
    '/api/console/apps/:app_id/changes',
    {
      onRequest: requireOperator(ctx),
      schema: {
        tags: ['console: users'],
        security: [{ consoleToken: [] }],
        summary: "The application's change feed (oldest first by `after`, or newest first with order=desc); personal data withheld from DEVELOPER and READER",
        params: z.object({ app_id: z.string() }),
        querystring: consoleFeedQuery,
        response: { 200: consoleFeedPage, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 410: errorResponse },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'users.read');
      const application = await loadOwnedApp(ctx, operator, request.params.app_id);
      const page = await readConsoleFeed(ctx, application.id, operator.role, request.query);
      const read = { principal: operator, appId: application.id, ip: clientIp(request) };
      recordUsersShown(ctx, read, 'user_changes.listed', page.results.map((change) => change.didit_internal_id), { redacted: !seesPersonalData(operator.role) });
      return page;
    },
  );
}
