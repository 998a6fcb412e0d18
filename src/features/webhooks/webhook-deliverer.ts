import type { AppContext } from '../../context.ts';
import { isDatabaseUnavailable } from '../../db/database-availability.ts';
import { deliverDue } from './webhook-delivery.ts';
import { dispatchFeed } from './webhook-dispatch.ts';
import { pruneDeliveryLog } from './webhook-log.service.ts';

/**
 * The delivery loop every `roster worker` (and `roster start`) runs (docs/webhooks.md, "Delivery"):
 * queue the feed's new changes, send what is due, again at once while there is work, else after
 * IDLE_MS. Any number of workers share the work through leases and SKIP LOCKED.
 */
const IDLE_MS = 200;
const PRUNE_EVERY_MS = 3600 * 1000;

export interface BackgroundService {
  stop(): Promise<void>;
}

export function startWebhookDeliverer(ctx: AppContext, options: { idleMs?: number } = {}): BackgroundService {
  let stopping = false;
  let wake: (() => void) | undefined;
  let lastPrune = 0;
  const loop = (async () => {
    while (!stopping) {
      let busy = false;
      try {
        const queued = await dispatchFeed(ctx);
        const sent = await deliverDue(ctx);
        busy = queued > 0 || sent > 0;
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneDeliveryLog(ctx);
        }
      } catch (error) {
        if (!isDatabaseUnavailable(error)) ctx.log.warn(`webhook deliverer: ${(error as Error).message}`);
      }
      if (!busy && !stopping) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, options.idleMs ?? IDLE_MS).unref?.()));
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
