import type { AppContext } from '../../context.ts';
import { isDatabaseUnavailable } from '../../db/database-availability.ts';
import { type AttemptOutcome, leaseDueDeliveries, recordOutcomes, sendDelivery } from './webhook-delivery.ts';
import { dispatchFeed } from './webhook-dispatch.ts';
import { FEED_CHANGED, WAKE_CHANNEL } from './webhook-events.ts';
import { pruneDeliveryLog } from './webhook-log.service.ts';

/**
 * The delivery loop every `roster worker` (and `roster start`) runs (docs/webhooks.md, "Delivery"):
 * queue the feed's new changes, lease what is due and send it, again at once while there is work.
 * Idle, it waits for a notification (a change of an application with an endpoint, or a queued
 * delivery, wakes every worker at its commit: src/db/migrations/2026-12-08T0040-webhook-wake.ts) or
 * IDLE_MS at most, for retries that come due and as a fallback while the listening connection is away.
 * Any number of workers share the work through leases and SKIP LOCKED.
 */
const IDLE_MS = 1_000;
/** Attempts one worker runs side by side, and at most that many to one endpoint (one user's events still go one at a time). */
const CONCURRENCY = 64;
const PER_ENDPOINT_IN_FLIGHT = 16;
const PRUNE_EVERY_MS = 3600 * 1000;

export interface BackgroundService {
  stop(): Promise<void>;
}

export function startWebhookDeliverer(ctx: AppContext, options: { idleMs?: number } = {}): BackgroundService {
  let stopping = false;
  let lastPrune = 0;
  // A wake that comes while the loop is busy is kept, so the loop goes round again instead of sleeping.
  let signalled = false;
  // The feed is read only when it has news (a notification, a page that was not the last, the idle
  // timeout as a fallback): a round with nothing to queue costs three statements.
  let feedChanged = true;
  let wake: (() => void) | undefined;
  const signal = () => {
    signalled = true;
    wake?.();
  };
  const feedSignal = () => {
    feedChanged = true;
    signal();
  };
  void ctx.events.listen(WAKE_CHANNEL, (payload) => (payload === FEED_CHANGED ? feedSignal() : signal()), feedSignal).catch(() => {});

  // Attempts run side by side and are not waited for as a batch: a receiver that takes its full 15 s
  // holds its own slot only. Their outcomes are written together by one writer at a time: the batch
  // grows while the previous one is being written.
  const inFlight = new Map<string, number>();
  let running = 0;
  const attempts = new Set<Promise<void>>();
  const written: AttemptOutcome[] = [];
  let writing: Promise<void> | undefined;
  const writeOutcomes = async () => {
    while (written.length > 0) {
      const batch = written.splice(0);
      // Not written (the database is away): the leases run out and the deliveries are sent again (at least once).
      await recordOutcomes(ctx, batch).catch((error: Error) => {
        if (!isDatabaseUnavailable(error)) ctx.log.warn(`webhook deliveries: ${batch.length} outcomes not written: ${error.message}`);
      });
      // A user's next event may be due now that this one is written.
      signal();
    }
    writing = undefined;
  };

  const loop = (async () => {
    while (!stopping) {
      signalled = false;
      let busy = false;
      try {
        let read = 0;
        if (feedChanged) {
          feedChanged = false;
          read = await dispatchFeed(ctx);
          // More pages may follow (or other endpoints, a round takes 20 at most).
          if (read > 0) feedChanged = true;
        }
        const free = CONCURRENCY - running;
        if (free > 0) {
          const leased = await leaseDueDeliveries(ctx, free, { inFlight, perEndpoint: PER_ENDPOINT_IN_FLIGHT });
          for (const delivery of leased) {
            running += 1;
            inFlight.set(delivery.endpoint_id, (inFlight.get(delivery.endpoint_id) ?? 0) + 1);
            const attempt = sendDelivery(ctx, delivery)
              .then((outcome) => {
                written.push(outcome);
                writing ??= writeOutcomes();
              })
              .catch((error: Error) => ctx.log.warn(`webhook delivery ${delivery.id}: ${error.message}`))
              .finally(() => {
                running -= 1;
                const left = (inFlight.get(delivery.endpoint_id) ?? 1) - 1;
                if (left > 0) inFlight.set(delivery.endpoint_id, left);
                else inFlight.delete(delivery.endpoint_id);
                attempts.delete(attempt);
                signal();
              });
            attempts.add(attempt);
          }
          busy = leased.length > 0;
        }
        busy ||= read > 0;
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneDeliveryLog(ctx);
        }
      } catch (error) {
        feedChanged = true;
        if (!isDatabaseUnavailable(error)) ctx.log.warn(`webhook deliverer: ${(error as Error).message}`);
      }
      if (!busy && !signalled && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            feedChanged = true;
            resolve();
          }, options.idleMs ?? IDLE_MS);
          timer.unref?.();
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
    // Attempts in flight finish (each within 15 s) and their outcomes are written; their leases would otherwise delay them a minute.
    await Promise.allSettled([...attempts]);
    await writing;
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
