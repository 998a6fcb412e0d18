import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { errorResponse } from '../../http/error-response.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { authorize, clientIp, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { certificateHtml } from './erasure-certificate.ts';
import { type ErasureActor, getCertificate, getErasure, listAppErasures, presentErasure, readHeldRecord, requestErasure } from './erasures.service.ts';

const security = [{ consoleToken: [] }];
const tags = ['console: privacy'];
const userParams = z.object({ app_id: z.string(), didit_internal_id: z.string() });
const erasureParams = z.object({ app_id: z.string(), id: z.string() });
const appParams = z.object({ app_id: z.string() });
// Optional here so a missing reason is the service's 422 `reason_required` (docs/privacy.md#erasure).
const reasonField = safeString({ max: 2000, trim: true }).optional();
const eraseBody = z.object({ reason: reasonField, legal_hold: z.boolean().optional() }).strict();
const heldBody = z.object({ reason: reasonField }).strict();
const erasureSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  didit_internal_id: z.string(),
  vendor_data: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  reason: z.string(),
  legal_hold: z.boolean(),
  hold_until: z.string().nullable(),
  hold_purged_at: z.string().nullable(),
  requested_by: z.object({ id: z.string(), label: z.string() }),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  steps_done: z.array(z.string()),
  error: z.string().nullable(),
  certificate_url: z.string().nullable(),
});
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 410: errorResponse, 422: errorResponse };

/** Erasure (docs/privacy.md#erasure): request, status, certificate (JSON or a printable page), held record. */
export async function registerErasureRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireOperator(ctx);
  const actorOf = async (request: Parameters<typeof operatorOf>[0], appId: string): Promise<ErasureActor> => {
    const operator = operatorOf(request);
    return { operator, app: await loadOwnedApp(ctx, operator, appId), ip: clientIp(request) };
  };

  app.post(
    '/api/console/apps/:app_id/users/:didit_internal_id/erase',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: "Erase a user everywhere Roster keeps them (OWNER, ADMIN, COMPLIANCE_OFFICER); `legal_hold: true` keeps full_name, date_of_birth and sessions in a held record until hold_until",
        params: userParams,
        body: eraseBody,
        response: { 202: erasureSchema, ...errors },
      },
    },
    async (request, reply) => {
      const operator = operatorOf(request);
      // The role is checked before the application is looked up: a DEVELOPER learns nothing (403).
      authorize(operator, 'users.erase');
      const record = await requestErasure(ctx, await actorOf(request, request.params.app_id), request.params.didit_internal_id, request.body);
      return reply.status(202).send(presentErasure(record));
    },
  );

  app.get(
    '/api/console/apps/:app_id/erasures',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: "The application's erasures, newest first (optionally one user's)",
        params: appParams,
        querystring: z.object({ didit_internal_id: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
        response: { 200: z.object({ results: z.array(erasureSchema), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const records = await listAppErasures(ctx, await actorOf(request, request.params.app_id), { userId: request.query.didit_internal_id, limit: request.query.limit });
      return { results: records.map(presentErasure), next: null };
    },
  );

  app.get(
    '/api/console/apps/:app_id/erasures/:id',
    { onRequest, schema: { tags, security, summary: 'One erasure: queued → running → completed | failed', params: erasureParams, response: { 200: erasureSchema, ...errors } } },
    async (request) => presentErasure(await getErasure(ctx, await actorOf(request, request.params.app_id), request.params.id)),
  );

  app.get(
    '/api/console/apps/:app_id/erasures/:id/certificate',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'The certificate of a completed erasure: JSON, or a printable HTML page with `?format=html` (or Accept: text/html)',
        params: erasureParams,
        querystring: z.object({ format: z.enum(['json', 'html']).optional() }),
      },
    },
    async (request, reply) => {
      const certificate = await getCertificate(ctx, await actorOf(request, request.params.app_id), request.params.id);
      const html = request.query.format === 'html' || (request.query.format === undefined && (request.headers.accept ?? '').startsWith('text/html'));
      if (!html) return reply.send(certificate);
      return reply.type('text/html; charset=utf-8').send(certificateHtml(certificate));
    },
  );

  app.post(
    '/api/console/apps/:app_id/erasures/:id/held-record',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Read the record held for anti-money-laundering duties (OWNER, COMPLIANCE_OFFICER), with a reason; each read is audited',
        params: erasureParams,
        body: heldBody,
        response: { 200: z.object({ erasure_id: z.string(), didit_internal_id: z.string(), vendor_data: z.string(), full_name: z.string().nullable(), date_of_birth: z.string().nullable(), verification_sessions: z.array(z.unknown()), hold_until: z.string(), held_since: z.string() }), ...errors },
      },
    },
    async (request) => readHeldRecord(ctx, await actorOf(request, request.params.app_id), request.params.id, request.body ?? {}),
  );
}
