import { z } from 'zod';
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { cursorCodec, cursorParts } from '../../http/cursor.ts';
import { notFound } from '../../http/errors.ts';
import { transition, transitionMany } from '../../platform/operations/index.ts';
import type { OperatorPrincipal } from '../auth/index.ts';
import { deliveryOperation } from './delivery-operation.ts';
import { ownedEndpoint } from './webhook-endpoints.service.ts';
import { wakeDeliverers } from './webhook-events.ts';
import type { DeliveryStatus } from './webhooks.tables.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/**
 * The delivery log (docs/webhooks.md, "Delivery log"): every delivery with its attempts (time, status,
 * duration, the first 1 KB of the answer), newest first; redeliver one; recover what failed since a time.
 * Attempts and ended deliveries are kept LOG_RETENTION_DAYS.
 */
export const LOG_RETENTION_DAYS = 30;

/** Deliveries page newest first by (created_at, id). */
const deliveryCursor = cursorCodec('webhook deliveries', z.object({ createdAt: cursorParts.instant, id: cursorParts.id }));

export async function listDeliveries(ctx: AppContext, operator: OperatorPrincipal, appId: string, endpointId: string, query: { status?: DeliveryStatus; event_type?: string; cursor?: string; limit: number }) {
  const { endpoint } = await ownedEndpoint(ctx, operator, appId, endpointId);
  let select = ctx.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'event_id', 'event_type', 'seq', 'status', 'attempts', 'next_attempt_at', 'created_at', 'delivered_at'])
    .where('app_id', '=', endpoint.app_id)
    .where('endpoint_id', '=', endpoint.id);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.event_type) select = select.where('event_type', '=', query.event_type);
  if (query.cursor) {
    const after = deliveryCursor.decode(query.cursor);
    select = select.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`);
  }
  const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const attempts = page.length
    ? await ctx.db.selectFrom('webhook_attempts').select(['delivery_id', 'attempted_at', 'status_code', 'duration_ms', 'response_excerpt', 'error']).where('delivery_id', 'in', page.map((row) => row.id)).orderBy('attempted_at').execute()
    : [];
  const last = page.at(-1);
  return {
    results: page.map((row) => ({
      id: row.id,
      event_id: row.event_id,
      event_type: row.event_type,
      seq: row.seq === null ? null : Number(row.seq),
      status: row.status,
      attempts_made: row.attempts,
      next_attempt_at: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
      created_at: row.created_at.toISOString(),
      delivered_at: row.delivered_at?.toISOString() ?? null,
      attempts: attempts.filter((attempt) => attempt.delivery_id === row.id).map(({ delivery_id: _id, attempted_at, ...attempt }) => ({ ...attempt, attempted_at: attempted_at.toISOString() })),
    })),
    next: rows.length > query.limit && last ? deliveryCursor.encode({ createdAt: last.created_at.toISOString(), id: last.id }) : null,
  };
}

/** Sends one delivery again (delivered or given up), now; its earlier attempts stay in the log. */
export async function redeliver(ctx: AppContext, operator: OperatorPrincipal, appId: string, endpointId: string, deliveryId: string): Promise<void> {
  const { endpoint } = await ownedEndpoint(ctx, operator, appId, endpointId);
  const found = isUuid(deliveryId) ? await ctx.db.selectFrom('webhook_deliveries').select('status').where('app_id', '=', endpoint.app_id).where('endpoint_id', '=', endpoint.id).where('id', '=', deliveryId).executeTakeFirst() : undefined;
  if (!found) throw notFound('Delivery');
  if (found.status === 'pending' || found.status === 'sending') return;
  if (await transition(ctx.db, deliveryOperation, { id: deliveryId, appId: endpoint.app_id }, { to: 'pending', set: { next_attempt_at: new Date(), attempts: 0 } })) await wakeDeliverers(ctx.db);
}

/** Re-queues every delivery of the endpoint that failed (was given up) since `since`; returns how many. */
export async function recoverSince(ctx: AppContext, operator: OperatorPrincipal, appId: string, endpointId: string, since: Date): Promise<number> {
  const { endpoint } = await ownedEndpoint(ctx, operator, appId, endpointId);
  const failed = await ctx.db.selectFrom('webhook_deliveries').select('id').where('app_id', '=', endpoint.app_id).where('endpoint_id', '=', endpoint.id).where('status', '=', 'failed').where('created_at', '>=', since).execute();
  const recovered = await transitionMany(ctx.db, deliveryOperation, { ids: failed.map(({ id }) => id), appId: endpoint.app_id }, { to: 'pending', from: ['failed'], set: { next_attempt_at: new Date(), attempts: 0 } });
  if (recovered.length > 0) await wakeDeliverers(ctx.db);
  return recovered.length;
}

/** Deletes attempts, and ended deliveries, older than LOG_RETENTION_DAYS. */
export async function pruneDeliveryLog(ctx: AppContext, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - LOG_RETENTION_DAYS * 24 * 3600 * 1000);
  const attempts = await ctx.db.deleteFrom('webhook_attempts').where('attempted_at', '<', cutoff).executeTakeFirst();
  const deliveries = await ctx.db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'failed']).where('created_at', '<', cutoff).executeTakeFirst();
  return Number(attempts.numDeletedRows) + Number(deliveries.numDeletedRows);
}
