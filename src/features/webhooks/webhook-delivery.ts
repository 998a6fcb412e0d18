import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { transition } from '../../platform/operations/index.ts';
import { postJson, type PostOutcome } from './webhook-http.ts';
import { signedHeaders } from './webhook-signing.ts';
import { deliveryOperation } from './delivery-operation.ts';
import { noteEndpointOutcome, signingSecrets } from './webhook-endpoint-health.ts';

/**
 * Sending (docs/webhooks.md, "Delivery"). A round leases the due deliveries, at most PER_ENDPOINT_ROUND
 * of one endpoint, and never a user's event while an earlier event of that user to that endpoint is
 * still pending or being sent: one user's events arrive in seq order, other users and other endpoints go
 * on meanwhile. A lease lasts LEASE_SECONDS, longer than an attempt can (15 s), so a worker that died
 * mid-attempt only delays that delivery (at least once: the receiver sees the same webhook-id again).
 */

/** The wait after the Nth failed attempt: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (3 days in all), then give up. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
export const PER_ENDPOINT_ROUND = 25;
const LEASE_SECONDS = 60;
const MAX_RETRY_AFTER_SECONDS = 86_400;

interface LeasedDelivery {
  id: string;
  app_id: string;
  endpoint_id: string;
  event_id: string;
  body: string;
  attempts: number;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_until: Date | null;
}

/** Leases up to `limit` due deliveries (with the rules above) and returns them. */
export async function leaseDueDeliveries(ctx: AppContext, limit: number, now = new Date(), busyEndpoints: readonly string[] = []): Promise<LeasedDelivery[]> {
  return ctx.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string }>`
      SELECT d.id FROM webhook_deliveries d
       WHERE d.id IN (
         SELECT id FROM (
           SELECT c.id, row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at, c.seq NULLS FIRST) AS place
             FROM webhook_deliveries c
             JOIN webhook_endpoints e ON e.id = c.endpoint_id AND e.enabled AND e.deleted_at IS NULL
            WHERE ((c.status = 'pending' AND c.next_attempt_at <= ${now}) OR (c.status = 'sending' AND c.lease_until < ${now}))
              AND c.endpoint_id <> ALL(${busyEndpoints}::uuid[])
              AND NOT EXISTS (
                SELECT 1 FROM webhook_deliveries p
                 WHERE p.endpoint_id = c.endpoint_id AND p.user_id = c.user_id AND p.seq < c.seq AND p.status IN ('pending', 'sending'))
            ORDER BY c.next_attempt_at
            LIMIT ${limit * 4}
         ) ranked WHERE place <= ${PER_ENDPOINT_ROUND}
       )
         -- Checked again on the locked row: a row another worker leased and committed meanwhile is not due any more.
         AND ((d.status = 'pending' AND d.next_attempt_at <= ${now}) OR (d.status = 'sending' AND d.lease_until < ${now}))
       ORDER BY d.next_attempt_at
       LIMIT ${limit}
       FOR UPDATE OF d SKIP LOCKED`.execute(trx);
    const moved: string[] = [];
    for (const { id } of rows) {
      const leased = await transition(trx, deliveryOperation, { id }, {
        to: 'sending',
        set: { lease_until: new Date(now.getTime() + LEASE_SECONDS * 1000), attempts: sql`attempts + 1` },
      });
      if (leased) moved.push(id);
    }
    if (moved.length === 0) return [];
    // One read for the batch, with the endpoint's sealed secrets (opened once per secret: webhook-endpoint-health.ts).
    const leased = await trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select(['d.id', 'd.app_id', 'd.endpoint_id', 'd.event_id', 'd.body', 'd.attempts', 'e.url', 'e.secret_sealed', 'e.previous_secret_sealed', 'e.previous_secret_until'])
      .where('d.id', 'in', moved)
      .orderBy('d.next_attempt_at')
      .execute();
    return leased;
  });
}

/** What follows an attempt: delivered, a retry at a time, or given up (and whether the endpoint must be disabled). */
export function nextStep(outcome: Pick<PostOutcome, 'status' | 'retryAfterSeconds'>, attemptsMade: number, now: Date): { to: 'delivered' } | { to: 'pending'; at: Date } | { to: 'failed' } {
  if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) return { to: 'delivered' };
  if (outcome.status === 410) return { to: 'failed' };
  const delay = RETRY_DELAYS_SECONDS[attemptsMade - 1];
  if (delay === undefined) return { to: 'failed' };
  const wait = outcome.retryAfterSeconds === null ? delay : Math.min(Math.max(outcome.retryAfterSeconds, 1), MAX_RETRY_AFTER_SECONDS);
  return { to: 'pending', at: new Date(now.getTime() + wait * 1000) };
}

/** One attempt of a leased delivery, recorded in the log; the delivery and its endpoint move on from it. */
export async function attemptDelivery(ctx: AppContext, delivery: LeasedDelivery, clock: () => Date = () => new Date()): Promise<void> {
  const secrets = signingSecrets(ctx, delivery, clock());
  const outcome = await postJson(delivery.url, delivery.body, signedHeaders(secrets, delivery.event_id, delivery.body, clock()), {
    allowPrivateNetworks: ctx.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
  });
  const now = clock();
  const step = nextStep(outcome, delivery.attempts, now);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({ delivery_id: delivery.id, endpoint_id: delivery.endpoint_id, app_id: delivery.app_id, attempted_at: now, status_code: outcome.status, duration_ms: outcome.durationMs, response_excerpt: outcome.excerpt, error: outcome.error })
      .execute();
    // Only the attempt that holds the lease may end it (a taken-over lease has a higher attempt count).
    await transition(trx, deliveryOperation, { id: delivery.id, appId: delivery.app_id }, {
      to: step.to,
      from: ['sending'],
      where: { attempts: delivery.attempts },
      set: {
        lease_until: null,
        last_status: outcome.status,
        last_error: outcome.error,
        ...(step.to === 'pending' ? { next_attempt_at: step.at } : {}),
        ...(step.to === 'delivered' ? { delivered_at: now } : {}),
      },
    });
  });
  await noteEndpointOutcome(ctx, delivery.endpoint_id, delivery.app_id, outcome, now);
}

/** Leases what is due and sends it, `concurrency` at a time; returns how many attempts were made. */
export async function deliverDue(ctx: AppContext, options: { limit?: number; concurrency?: number; clock?: () => Date } = {}): Promise<number> {
  const clock = options.clock ?? (() => new Date());
  const leased = await leaseDueDeliveries(ctx, options.limit ?? 64, clock());
  const queue = [...leased];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 16, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      await attemptDelivery(ctx, next, clock).catch((error: Error) => ctx.log.warn(`webhook delivery ${next!.id}: ${error.message}`));
    }
  });
  await Promise.all(workers);
  return leased.length;
}
