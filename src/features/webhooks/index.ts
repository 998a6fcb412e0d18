import type { Feature } from '../feature.ts';
import { startWebhookDeliverer } from './webhook-deliverer.ts';
import { registerWebhookRoutes } from './webhooks.routes.ts';

/** Webhooks: signed, ordered per user, retried for days, built on the change feed (docs/webhooks.md). */
export const webhooksFeature: Feature = {
  name: 'webhooks',
  routes: registerWebhookRoutes,
  services: [startWebhookDeliverer],
};

export { recordAppEvent } from './webhook-events.ts';
