import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { instantString, parseInstant } from '../../platform/validation/instants.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { authorize, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { badRequest } from '../../http/errors.ts';
import { readActions } from '../../shared/audit-actions.ts';
import { auditCursor, listAuditLogs } from './audit.service.ts';

/** A time without a zone is read as UTC, so the answer does not depend on the server's zone (platform/validation). */
const parseTimestamp = parseInstant;

const timestampParameter = instantString.optional();

// Every text parameter follows the shared safe-string rule: NUL or a lone surrogate is a 400, not a failed query.
const actionValue = safeString({ max: 200 });
const repeatable = z.union([actionValue, z.array(actionValue).max(50)]).optional();

const auditQuery = z.object({
  action: repeatable.describe('An action (user.created) or a prefix ending in "." (import.); repeat for any of several'),
  actor: safeString({ trim: true, min: 1, max: 320 }).optional().describe("An actor's id or label (an operator's email)"),
  app_id: safeString({ max: 100 }).optional(),
  target_type: safeString({ max: 100 }).optional(),
  target_id: safeString({ max: 2000 }).optional().describe("A user's didit_internal_id gives that user's history, import entries and reads that showed them included"),
  viewed: safeString({ max: 100 }).optional().describe("A user's didit_internal_id: only the reads that showed that user (who viewed them)"),
  import_id: z.string().uuid().optional().describe('The per-user entries of this import (folded under its line otherwise)'),
  revert_of: z.string().uuid().optional().describe("The per-user entries of this import's revert"),
  since: timestampParameter.describe('Entries at or after this time'),
  until: timestampParameter.describe('Entries before this time'),
  cursor: safeString({ max: 200 }).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 to 200').max(200, 'must be 1 to 200').default(50),
});

const auditLogSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  action: z.string(),
  outcome: z.enum(['success', 'failure']),
  actor: z.object({ type: z.enum(['operator', 'api_key', 'system']), id: z.string().nullable(), label: z.string() }),
  app_id: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  children: z
    .object({ count: z.number(), filter: z.union([z.object({ import_id: z.string() }), z.object({ revert_of: z.string() })]) })
    .optional()
    .describe("An import's line: its per-user entries, listed with this filter"),
  subjects: z.array(z.string()).optional().describe('A read that showed several users (users.listed, …): their didit_internal_ids'),
});

export async function registerAuditRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/console/audit-logs',
    {
      preHandler: requireOperator(ctx),
      schema: {
        tags: ['console: audit log'],
        summary: "The organization's audit trail, newest first (OWNER, ADMIN, COMPLIANCE_OFFICER)",
        security: [{ consoleToken: [] }],
        querystring: auditQuery,
        response: { 200: z.object({ results: z.array(auditLogSchema), next: z.string().nullable() }) },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      authorize(operator, 'audit.read');
      const query = request.query;
      const beforeId = query.cursor === undefined ? undefined : auditCursor.decode(query.cursor).id;
      // Another organization's application is not found, as everywhere else.
      const appId = query.app_id === undefined ? undefined : (await loadOwnedApp(ctx, operator, query.app_id)).id;
      const asked = query.action === undefined ? [] : Array.isArray(query.action) ? query.action : [query.action];
      // "Who viewed": the user's entries, only those recording a read (docs/privacy.md#who-viewed-a-user).
      const actions = query.viewed === undefined ? asked : [...readActions];
      if (query.viewed !== undefined && query.target_id !== undefined && query.target_id !== query.viewed) throw badRequest('invalid_parameter', 'viewed: give either viewed or target_id, or the same user in both');
      return listAuditLogs(ctx.db, operator.orgId, {
        actions: actions.map((action) => action.trim()).filter((action) => action.length > 0),
        actor: query.actor,
        appId,
        targetType: query.target_type,
        targetId: query.viewed ?? query.target_id,
        importId: query.import_id,
        revertOf: query.revert_of,
        since: query.since === undefined ? undefined : (parseTimestamp(query.since) ?? undefined),
        until: query.until === undefined ? undefined : (parseTimestamp(query.until) ?? undefined),
        beforeId,
        limit: query.limit,
      });
    },
  );
}
