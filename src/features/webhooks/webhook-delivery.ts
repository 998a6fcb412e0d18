import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { transitionMany } from '../../platform/operations/index.ts';
import { postJson, type PostOutcome } from './webhook-http.ts';
import { signedHeaders } from './webhook-signing.ts';
import { deliveryOperation } from './delivery-operation.ts';
import { clearFailingStreaks, noteEndpointOutcome, signingSecrets } from './webhook-endpoint-health.ts';

/**
 * Sending (docs/webhooks.md, "Delivery"). A round leases due deliveries, at most `perEndpoint` of one
 * endpoint (less what this worker already has in flight there), and never a user's event while an
 * earlier event of that user to that endpoint is still pending or being sent: one user's events arrive
 * in seq order, other users and other endpoints go on meanwhile. A lease lasts LEASE_SECONDS, longer
 * than an attempt can (15 s), so a worker that died mid-attempt only delays that delivery (at least
 * once: the receiver sees the same webhook-id again). Outcomes are written in batches (recordOutcomes):
 * a statement per batch, not per delivery, is what lets two workers keep up with 200 events a second
 * on a loaded machine (bench/RESULTS.md, webhooks).
 */

/** The wait after the Nth failed attempt: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (3 days in all), then give up. */
export const RETRY_DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
const LEASE_SECONDS = 60;
const MAX_RETRY_AFTER_SECONDS = 86_400;

export interface LeasedDelivery {
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

/** One attempt's result, to be written with others by recordOutcomes. */
export interface AttemptOutcome {
  delivery: Pick<LeasedDelivery, 'id' | 'app_id' | 'endpoint_id' | 'attempts'>;
  outcome: PostOutcome;
  at: Date;
}

/**
 * Leases up to `limit` due deliveries (with the rules above) and returns them. `inFlight` counts this
 * worker's attempts per endpoint still running: an endpoint gets at most `perEndpoint` in all.
 */
export async function leaseDueDeliveries(ctx: AppContext, limit: number, options: { now?: Date; inFlight?: ReadonlyMap<string, number>; perEndpoint?: number } = {}): Promise<LeasedDelivery[]> {
  const now = options.now ?? new Date();
  const perEndpoint = options.perEndpoint ?? limit;
  const busy = [...(options.inFlight ?? new Map<string, number>())];
  // The candidates are taken in due order first, then ranked per endpoint (ranking every due row
  // before the LIMIT read a whole backlog per round); the due check is repeated on the locked row: a
  // row another worker leased and committed meanwhile is not due any more. Claimed in one statement.
  const claimable = sql`(
    SELECT d.id FROM webhook_deliveries d
     WHERE d.id IN (
       SELECT ranked.id FROM (
         SELECT candidate.id, candidate.endpoint_id,
                row_number() OVER (PARTITION BY candidate.endpoint_id ORDER BY candidate.next_attempt_at, candidate.seq NULLS FIRST) AS place
           FROM (
             SELECT c.id, c.endpoint_id, c.next_attempt_at, c.seq
               FROM webhook_deliveries c
               JOIN webhook_endpoints e ON e.id = c.endpoint_id AND e.enabled AND e.deleted_at IS NULL
              WHERE ((c.status = 'pending' AND c.next_attempt_at <= ${now}) OR (c.status = 'sending' AND c.lease_until < ${now}))
                AND NOT EXISTS (
                  SELECT 1 FROM webhook_deliveries p
                   WHERE p.endpoint_id = c.endpoint_id AND p.user_id = c.user_id AND p.seq < c.seq AND p.status IN ('pending', 'sending'))
              ORDER BY c.next_attempt_at
              LIMIT ${limit * 4}
           ) candidate
       ) ranked
       LEFT JOIN unnest(${busy.map(([id]) => id)}::uuid[], ${busy.map(([, count]) => count)}::int[]) AS busy (endpoint_id, running) ON busy.endpoint_id = ranked.endpoint_id
       WHERE ranked.place <= ${perEndpoint} - coalesce(busy.running, 0)
     )
       AND ((d.status = 'pending' AND d.next_attempt_at <= ${now}) OR (d.status = 'sending' AND d.lease_until < ${now}))
     ORDER BY d.next_attempt_at
     LIMIT ${limit}
     FOR UPDATE OF d SKIP LOCKED)`;
  const moved = await transitionMany(ctx.db, deliveryOperation, { ids: claimable }, {
    to: 'sending',
    set: { lease_until: new Date(now.getTime() + LEASE_SECONDS * 1000), attempts: sql`attempts + 1` },
  });
  if (moved.length === 0) return [];
  // One read for the batch, with the endpoint's sealed secrets (opened once per secret: webhook-endpoint-health.ts).
  return ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select(['d.id', 'd.app_id', 'd.endpoint_id', 'd.event_id', 'd.body', 'd.attempts', 'e.url', 'e.secret_sealed', 'e.previous_secret_sealed', 'e.previous_secret_until'])
    .where('d.id', 'in', moved)
    .orderBy('d.next_attempt_at')
    .execute();
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

/** One attempt of a leased delivery: the signed POST. Its outcome is written by recordOutcomes. */
export async function sendDelivery(ctx: AppContext, delivery: LeasedDelivery, clock: () => Date = () => new Date()): Promise<AttemptOutcome> {
  const secrets = signingSecrets(ctx, delivery, clock());
  const outcome = await postJson(delivery.url, delivery.body, signedHeaders(secrets, delivery.event_id, delivery.body, clock()), {
    allowPrivateNetworks: ctx.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
  });
  return { delivery, outcome, at: clock() };
}

/**
 * Writes a batch of outcomes in one transaction: the attempts into the delivery log, and each delivery
 * moved on (delivered, a retry at its time, or given up), one UPDATE per group of equal moves. Only the
 * attempt that holds the lease may end it (a taken-over lease has a higher attempt count). Then each
 * endpoint's standing: a success clears its failing streak, a failure may disable it.
 */
export async function recordOutcomes(ctx: AppContext, outcomes: readonly AttemptOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values(outcomes.map(({ delivery, outcome, at }) => ({ delivery_id: delivery.id, endpoint_id: delivery.endpoint_id, app_id: delivery.app_id, attempted_at: at, status_code: outcome.status, duration_ms: outcome.durationMs, response_excerpt: outcome.excerpt, error: outcome.error })))
      .execute();
    const moves = new Map<string, { step: ReturnType<typeof nextStep>; attempts: number; outcome: PostOutcome; at: Date; ids: string[] }>();
    for (const { delivery, outcome, at } of outcomes) {
      const step = nextStep(outcome, delivery.attempts, at);
      // Deliveries that make the same move with the same columns share one UPDATE (the successes of a batch, typically).
      const key = JSON.stringify([step, delivery.attempts, outcome.status, outcome.error, step.to === 'delivered' ? null : at]);
      const move = moves.get(key) ?? { step, attempts: delivery.attempts, outcome, at, ids: [] };
      move.ids.push(delivery.id);
      moves.set(key, move);
    }
    const deliveredAt = outcomes.reduce((latest, { at }) => (at > latest ? at : latest), outcomes[0]!.at);
    for (const { step, attempts, outcome, ids } of moves.values()) {
      await transitionMany(trx, deliveryOperation, { ids }, {
        to: step.to,
        from: ['sending'],
        where: { attempts },
        set: {
          lease_until: null,
          last_status: outcome.status,
          last_error: outcome.error,
          ...(step.to === 'pending' ? { next_attempt_at: step.at } : {}),
          ...(step.to === 'delivered' ? { delivered_at: deliveredAt } : {}),
        },
      });
    }
  });
  const succeeded = new Set<string>();
  const failed = new Map<string, AttemptOutcome>();
  for (const entry of outcomes) {
    const { status } = entry.outcome;
    if (status !== null && status >= 200 && status < 300) succeeded.add(entry.delivery.endpoint_id);
    // A 410 anywhere in the batch disables its endpoint; else the endpoint's last failure counts.
    else if (failed.get(entry.delivery.endpoint_id)?.outcome.status !== 410) failed.set(entry.delivery.endpoint_id, entry);
  }
  await clearFailingStreaks(ctx, [...succeeded]);
  for (const { delivery, outcome, at } of failed.values()) {
    if (outcome.status === 410 || !succeeded.has(delivery.endpoint_id)) await noteEndpointOutcome(ctx, delivery.endpoint_id, delivery.app_id, outcome, at);
  }
}

/** Leases what is due and sends it, `concurrency` at a time, then writes the outcomes; returns how many attempts were made. */
export async function deliverDue(ctx: AppContext, options: { limit?: number; concurrency?: number; clock?: () => Date } = {}): Promise<number> {
  const clock = options.clock ?? (() => new Date());
  const leased = await leaseDueDeliveries(ctx, options.limit ?? 64, { now: clock() });
  const queue = [...leased];
  const outcomes: AttemptOutcome[] = [];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 16, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) outcomes.push(await sendDelivery(ctx, next, clock));
  });
  await Promise.all(workers);
  await recordOutcomes(ctx, outcomes);
  return leased.length;
}
