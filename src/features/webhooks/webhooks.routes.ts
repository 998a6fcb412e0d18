import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appItemParams, appParams, clientIp, consoleSecurity, operatorOf, requireOperator } from '../auth/index.ts';
import { webhookEventTypes } from './webhook-events.ts';
import { changeEndpoint, createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, presentEndpoint, rotateSecret, sendTestEvent } from './webhook-endpoints.service.ts';
import { listDeliveries, recoverSince, redeliver } from './webhook-log.service.ts';
import { deliveriesQuery, deliverySchema, endpointInputSchema, endpointPatchSchema, endpointSchema, endpointWithSecretSchema, recoverBody } from './webhooks.schemas.ts';
import { errorResponse } from '../../http/error-response.ts';

const tags = ['console: webhooks'];
const security = consoleSecurity;
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 422: errorResponse };
const base = '/api/console/apps/:app_id/webhooks';
const deliveryParams = z.object({ app_id: z.string(), id: z.string(), delivery_id: z.string() });

/** Webhook endpoints and their delivery log (docs/webhooks.md); OWNER and ADMIN. */
export async function registerWebhookRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const preHandler = requireOperator(ctx);

  app.post(base, { preHandler, schema: { tags, security, summary: `Create an endpoint; the secret is shown once. Events: ${webhookEventTypes.join(', ')}`, params: appParams, body: endpointInputSchema, response: { 201: endpointWithSecretSchema, ...errors } } }, async (request, reply) => {
    const { endpoint, secret } = await createEndpoint(ctx, operatorOf(request), request.params.app_id, request.body, clientIp(request));
    return reply.status(201).send({ ...presentEndpoint(endpoint), secret });
  });

  app.get(base, { preHandler, schema: { tags, security, summary: "The application's webhook endpoints", params: appParams, response: { 200: z.object({ results: z.array(endpointSchema) }), ...errors } } }, async (request) => ({
    results: (await listEndpoints(ctx, operatorOf(request), request.params.app_id)).map(presentEndpoint),
  }));

  app.get(`${base}/:id`, { preHandler, schema: { tags, security, summary: 'One endpoint', params: appItemParams, response: { 200: endpointSchema, ...errors } } }, async (request) =>
    presentEndpoint(await getEndpoint(ctx, operatorOf(request), request.params.app_id, request.params.id)),
  );

  app.patch(`${base}/:id`, { preHandler, schema: { tags, security, summary: 'Change an endpoint; `enabled: true` re-enables it', params: appItemParams, body: endpointPatchSchema, response: { 200: endpointSchema, ...errors } } }, async (request) =>
    presentEndpoint(await changeEndpoint(ctx, operatorOf(request), request.params.app_id, request.params.id, request.body, clientIp(request))),
  );

  app.delete(`${base}/:id`, { preHandler, schema: { tags, security, summary: 'Delete an endpoint (its waiting deliveries are dropped)', params: appItemParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await deleteEndpoint(ctx, operatorOf(request), request.params.app_id, request.params.id, clientIp(request));
    return reply.status(204).send(null);
  });

  app.post(`${base}/:id/rotate-secret`, { preHandler, schema: { tags, security, summary: 'A new secret (shown once); the old one keeps signing beside it for 24 h', params: appItemParams, response: { 200: endpointWithSecretSchema, ...errors } } }, async (request) => {
    const { endpoint, secret } = await rotateSecret(ctx, operatorOf(request), request.params.app_id, request.params.id, clientIp(request));
    return { ...presentEndpoint(endpoint), secret };
  });

  app.post(`${base}/:id/test`, { preHandler, schema: { tags, security, summary: 'Queue a webhook.test event to the endpoint', params: appItemParams, response: { 202: z.object({ delivery_id: z.string(), event_id: z.string() }), ...errors } } }, async (request, reply) =>
    reply.status(202).send(await sendTestEvent(ctx, operatorOf(request), request.params.app_id, request.params.id)),
  );

  app.get(`${base}/:id/deliveries`, { preHandler, schema: { tags, security, summary: 'The delivery log, newest first: every attempt with status, duration and the first 1 KB of the answer', params: appItemParams, querystring: deliveriesQuery, response: { 200: z.object({ results: z.array(deliverySchema), next: z.string().nullable() }), ...errors } } }, async (request) =>
    listDeliveries(ctx, operatorOf(request), request.params.app_id, request.params.id, request.query),
  );

  app.post(`${base}/:id/deliveries/:delivery_id/redeliver`, { preHandler, schema: { tags, security, summary: 'Send one delivery again now', params: deliveryParams, response: { 202: z.object({ queued: z.boolean() }), ...errors } } }, async (request, reply) => {
    await redeliver(ctx, operatorOf(request), request.params.app_id, request.params.id, request.params.delivery_id);
    return reply.status(202).send({ queued: true });
  });

  app.post(`${base}/:id/recover`, { preHandler, schema: { tags, security, summary: 'Send again every delivery that failed since a time', params: appItemParams, body: recoverBody, response: { 202: z.object({ recovered: z.number() }), ...errors } } }, async (request, reply) =>
    reply.status(202).send({ recovered: await recoverSince(ctx, operatorOf(request), request.params.app_id, request.params.id, new Date(request.body.since)) }),
  );
}
