import type { AppContext } from '../../context.ts';
import { invalid, notFound } from '../../http/errors.ts';
import { assertPublicHost, ForbiddenAddressError } from '../../platform/outbound/address-guard.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import { authorize, loadOwnedApp, type OperatorPrincipal } from '../auth/index.ts';
import { readChangeCounter } from '../users/index.ts';
import { TEST_EVENT } from './webhook-events.ts';
import { webhookSecrets } from './webhook-endpoint-health.ts';
import { newWebhookSecret } from './webhook-signing.ts';
import type { EndpointInput, EndpointPatch } from './webhooks.schemas.ts';
import type { WebhookEndpointsTable } from './webhooks.tables.ts';
import type { Selectable } from 'kysely';
import { isUuid } from '../../platform/validation/uuid.ts';

/** Webhook endpoints (docs/webhooks.md): OWNER and ADMIN only, every change audited, the secret shown once. */

export type EndpointRecord = Selectable<WebhookEndpointsTable>;
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** https only and a public address (checked again at each delivery), unless private networks are allowed. */
async function checkUrl(ctx: AppContext, text: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('invalid_url', 'url: not a URL');
  }
  const allowPrivate = ctx.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS;
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw invalid('invalid_url', `url: must be https${allowPrivate ? ' or http' : ''}, got ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw invalid('invalid_url', 'url: credentials do not belong in the URL');
  if (!allowPrivate) {
    try {
      await assertPublicHost(url.hostname);
    } catch (error) {
      if (error instanceof ForbiddenAddressError) throw invalid('forbidden_url', `url: ${error.message}; webhooks reach public addresses only (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows private ones)`);
      throw invalid('invalid_url', `url: ${url.hostname} does not resolve (${(error as Error).message})`);
    }
  }
  return url.toString();
}

export async function ownedEndpoint(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string) {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'webhooks.manage');
  const endpoint = isUuid(id) ? await ctx.db.selectFrom('webhook_endpoints').selectAll().where('app_id', '=', app.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst() : undefined;
  if (!endpoint) throw notFound('Webhook endpoint');
  return { app, endpoint };
}

export async function createEndpoint(ctx: AppContext, operator: OperatorPrincipal, appId: string, input: EndpointInput, ip: string | null): Promise<{ endpoint: EndpointRecord; secret: string }> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'webhooks.manage');
  const url = await checkUrl(ctx, input.url);
  const secret = newWebhookSecret();
  const endpoint = await ctx.db.transaction().execute(async (trx) => {
    // A new endpoint hears what happens from now on; the feed holds the past for whoever needs it.
    const { lastSeq } = await readChangeCounter(trx, app.id);
    const created = await trx
      .insertInto('webhook_endpoints')
      .values({
        app_id: app.id,
        url,
        events: [...new Set(input.events)],
        description: input.description ?? '',
        payload: input.payload ?? 'thin',
        import_events: input.import_events ?? 'summary',
        secret_sealed: webhookSecrets(ctx).seal(secret),
        feed_cursor: lastSeq,
        created_by: operator.operatorId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'webhook.created', target: { type: 'webhook', id: created.id }, details: { url, events: created.events, payload: created.payload, import_events: created.import_events }, ip });
    return created;
  });
  return { endpoint, secret };
}

export async function listEndpoints(ctx: AppContext, operator: OperatorPrincipal, appId: string): Promise<EndpointRecord[]> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'webhooks.manage');
  return ctx.db.selectFrom('webhook_endpoints').selectAll().where('app_id', '=', app.id).where('deleted_at', 'is', null).orderBy('created_at').execute();
}

export async function getEndpoint(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string): Promise<EndpointRecord> {
  return (await ownedEndpoint(ctx, operator, appId, id)).endpoint;
}

export async function changeEndpoint(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string, patch: EndpointPatch, ip: string | null): Promise<EndpointRecord> {
  const { app } = await ownedEndpoint(ctx, operator, appId, id);
  const url = patch.url === undefined ? undefined : await checkUrl(ctx, patch.url);
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('webhook_endpoints')
      .set({
        updated_at: new Date(),
        ...(url === undefined ? {} : { url }),
        ...(patch.events === undefined ? {} : { events: [...new Set(patch.events)] }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.payload === undefined ? {} : { payload: patch.payload }),
        ...(patch.import_events === undefined ? {} : { import_events: patch.import_events }),
        ...(patch.enabled === true ? { enabled: true, disabled_reason: null, disabled_at: null, failing_since: null } : {}),
        ...(patch.enabled === false ? { enabled: false, disabled_reason: 'disabled by an operator', disabled_at: new Date() } : {}),
      })
      .where('app_id', '=', app.id)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw notFound('Webhook endpoint');
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'webhook.updated', target: { type: 'webhook', id }, details: { changed: Object.keys(patch), url: updated.url, events: updated.events, enabled: updated.enabled }, ip });
    return updated;
  });
}

export async function deleteEndpoint(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string, ip: string | null): Promise<void> {
  const { app, endpoint } = await ownedEndpoint(ctx, operator, appId, id);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('webhook_endpoints').set({ deleted_at: new Date(), enabled: false }).where('app_id', '=', app.id).where('id', '=', id).execute();
    // What still waited for it will never be sent; what was sent stays in the log until it ages out.
    await trx.deleteFrom('webhook_deliveries').where('app_id', '=', app.id).where('endpoint_id', '=', id).where('status', '=', 'pending').execute();
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'webhook.deleted', target: { type: 'webhook', id }, details: { url: endpoint.url }, ip });
  });
}

/** A new secret (shown once); the old one keeps signing beside it for 24 hours. */
export async function rotateSecret(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string, ip: string | null, now = new Date()): Promise<{ endpoint: EndpointRecord; secret: string }> {
  const { app, endpoint } = await ownedEndpoint(ctx, operator, appId, id);
  const secret = newWebhookSecret();
  const rotated = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('webhook_endpoints')
      .set({ secret_sealed: webhookSecrets(ctx).seal(secret), previous_secret_sealed: endpoint.secret_sealed, previous_secret_until: new Date(now.getTime() + ROTATION_OVERLAP_MS), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'webhook.secret_rotated', target: { type: 'webhook', id }, details: { previous_secret_until: updated.previous_secret_until?.toISOString() }, ip });
    return updated;
  });
  return { endpoint: rotated, secret };
}

/** Queues a `webhook.test` event to the endpoint; like any event it waits while the endpoint is disabled. */
export async function sendTestEvent(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string): Promise<{ delivery_id: string; event_id: string }> {
  const { app } = await ownedEndpoint(ctx, operator, appId, id);
  const eventId = crypto.randomUUID();
  const body = JSON.stringify({ type: TEST_EVENT, event_id: eventId, occurred_at: new Date().toISOString(), app_id: app.id, data: { message: 'A test event from Roster', sent_by: operator.email } });
  const row = await ctx.db.insertInto('webhook_deliveries').values({ app_id: app.id, endpoint_id: id, event_id: eventId, event_type: TEST_EVENT, body }).returning('id').executeTakeFirstOrThrow();
  return { delivery_id: row.id, event_id: eventId };
}

export function presentEndpoint(endpoint: EndpointRecord) {
  return {
    id: endpoint.id,
    app_id: endpoint.app_id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    payload: endpoint.payload,
    import_events: endpoint.import_events,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabled_reason,
    disabled_at: endpoint.disabled_at?.toISOString() ?? null,
    failing_since: endpoint.failing_since?.toISOString() ?? null,
    created_at: endpoint.created_at.toISOString(),
    updated_at: endpoint.updated_at.toISOString(),
  };
}

