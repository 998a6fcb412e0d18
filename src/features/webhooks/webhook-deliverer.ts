import type { AppContext } from '../../context.ts';
import { isDatabaseUnavailable } from '../../db/database-availability.ts';
import { attemptDelivery, leaseDueDeliveries } from './webhook-delivery.ts';
import { dispatchFeed } from './webhook-dispatch.ts';
import { pruneDeliveryLog } from './webhook-log.service.ts';

/**
 * The delivery loop every `roster worker` (and `roster start`) runs (docs/webhooks.md, "Delivery"):
 * queue the feed's new changes, send what is due, again at once while there is work, else after
 * IDLE_MS. Any number of workers share the work through leases and SKIP LOCKED.
 */
const IDLE_MS = 200;
const CONCURRENCY = 16;
const PER_ENDPOINT_IN_FLIGHT = 4;
const PRUNE_EVERY_MS = 3600 * 1000;

export interface BackgroundService {
  stop(): Promise<void>;
}

export function startWebhookDeliverer(ctx: AppContext, options: { idleMs?: number } = {}): BackgroundService {
  let stopping = false;
  let wake: (() => void) | undefined;
  let lastPrune = 0;
  // Attempts run side by side and are not waited for as a batch: a receiver that takes its full 15 s
  // holds its own slot only. An endpoint gets at most PER_ENDPOINT_IN_FLIGHT slots of this process.
  const inFlight = new Map<string, number>();
  let running = 0;
  const attempts = new Set<Promise<void>>();
  const loop = (async () => {
    while (!stopping) {
      let busy = false;
      try {
        const queued = await dispatchFeed(ctx);
        const free = CONCURRENCY - running;
        if (free > 0) {
          const busyEndpoints = [...inFlight].filter(([, count]) => count >= PER_ENDPOINT_IN_FLIGHT).map(([id]) => id);
          const leased = await leaseDueDeliveries(ctx, free, new Date(), busyEndpoints);
          for (const delivery of leased) {
            running += 1;
            inFlight.set(delivery.endpoint_id, (inFlight.get(delivery.endpoint_id) ?? 0) + 1);
            const attempt = attemptDelivery(ctx, delivery)
              .catch((error: Error) => ctx.log.warn(`webhook delivery ${delivery.id}: ${error.message}`))
              .finally(() => {
                running -= 1;
                const left = (inFlight.get(delivery.endpoint_id) ?? 1) - 1;
                if (left > 0) inFlight.set(delivery.endpoint_id, left);
                else inFlight.delete(delivery.endpoint_id);
                attempts.delete(attempt);
                wake?.();
              });
            attempts.add(attempt);
          }
          busy = leased.length > 0;
        }
        busy ||= queued > 0;
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneDeliveryLog(ctx);
        }
      } catch (error) {
        if (!isDatabaseUnavailable(error)) ctx.log.warn(`webhook deliverer: ${(error as Error).message}`);
      }
      if (!busy && !stopping) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, options.idleMs ?? IDLE_MS).unref?.()));
    }
    // Attempts in flight finish (each within 15 s); their leases would otherwise delay them a minute.
    await Promise.allSettled([...attempts]);
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
