import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Change } from '../users/index.ts';

/**
 * What a webhook carries (docs/webhooks.md, "Events"): the change feed's five user events and the
 * imports' and exports' own. A user event is the feed's change itself (same event_id, same seq): the
 * webhook is a hint, the feed is the truth.
 */
// Declared in src/shared/ so the console's webhook form offers the same list.
import type { appEventTypes } from '../../shared/webhook-events.ts';
export { appEventTypes, userEventTypes, webhookEventTypes, type WebhookEventType } from '../../shared/webhook-events.ts';
export const TEST_EVENT = 'webhook.test';

/**
 * The notification that wakes the deliverers, sent by the triggers of
 * src/db/migrations/2026-12-08T0040-webhook-wake.ts: 'change' (the feed has changes to queue) or 'queued'
 * (a delivery is due).
 */
export const WAKE_CHANNEL = 'roster_webhooks';
export const FEED_CHANGED = 'change';

/** Wakes every worker's deliverer when the caller's transaction commits: a delivery moved back to pending is due now. */
export async function wakeDeliverers(db: Transaction<Database> | Kysely<Database>): Promise<void> {
  await sql`SELECT pg_notify(${WAKE_CHANNEL}, 'queued')`.execute(db);
}

export interface EventBody {
  type: string;
  event_id: string;
  seq?: number;
  occurred_at: string;
  app_id: string;
  data: Record<string, unknown>;
}

/** Thin: ids, vendor_data, the fields that changed, a status move with its reason, who and through what. */
function thinUserData(change: Change): Record<string, unknown> {
  const status = change.changes.status;
  return {
    didit_internal_id: change.didit_internal_id,
    vendor_data: change.vendor_data,
    changed_fields: Object.keys(change.changes),
    ...(status ? { status: { from: status.from, to: status.to } } : {}),
    reason: change.reason,
    actor: change.actor,
    source: change.source,
  };
}

export function userEventBody(appId: string, change: Change, payload: 'thin' | 'full'): string {
  const body: EventBody = {
    type: change.type,
    event_id: change.event_id,
    seq: change.seq,
    occurred_at: change.occurred_at,
    app_id: appId,
    data: payload === 'full' ? { ...change } : thinUserData(change),
  };
  return JSON.stringify(body);
}

/** Whether an endpoint takes this change: its type is subscribed, and a summary endpoint skips an import's (or a revert's) per-user events. */
export function endpointTakes(endpoint: { events: string[]; import_events: string }, change: Pick<Change, 'type' | 'source'>): boolean {
  if (!endpoint.events.includes(change.type)) return false;
  return endpoint.import_events === 'per_user' || (change.source.kind !== 'import' && change.source.kind !== 'revert');
}

/**
 * Records an import or export event for every endpoint of the application that subscribes to it, in
 * the caller's transaction: a rolled-back change sends nothing, a committed one is never lost. An
 * endpoint that is disabled keeps its events until it is enabled again.
 */
export async function recordAppEvent(trx: Transaction<Database> | Kysely<Database>, event: { appId: string; type: (typeof appEventTypes)[number]; data: Record<string, unknown> }): Promise<void> {
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'payload'])
    .where('app_id', '=', event.appId)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`${event.type} = ANY(events)`)
    .execute();
  if (endpoints.length === 0) return;
  const eventId = crypto.randomUUID();
  const body: EventBody = { type: event.type, event_id: eventId, occurred_at: new Date().toISOString(), app_id: event.appId, data: event.data };
  await trx
    .insertInto('webhook_deliveries')
    .values(endpoints.map((endpoint) => ({ app_id: event.appId, endpoint_id: endpoint.id, event_id: eventId, event_type: event.type, body: JSON.stringify(body) })))
    .execute();
}
