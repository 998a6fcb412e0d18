import { sql } from 'kysely';
import { onAudited } from '../audit/audit-writer.public.ts';
import type { Feature } from '../feature.ts';
import { appEventTypes, recordAppEvent } from './webhook-events.ts';
import { startWebhookDeliverer } from './webhook-deliverer.ts';
import { registerWebhookRoutes } from './webhooks.routes.ts';

/** Webhooks: signed, ordered per user, retried for days, built on the change feed (docs/webhooks.md). */
export const webhooksFeature: Feature = {
  name: 'webhooks',
  routes: registerWebhookRoutes,
  services: [startWebhookDeliverer],
};

// An import's or export's end, audited in the transaction of its transition, becomes a webhook event in
// that same transaction. An import's event carries the seq range of its users' changes (summary mode).
onAudited(appEventTypes, async (db, entry) => {
  if (!entry.appId || !entry.target) return;
  const type = entry.action as (typeof appEventTypes)[number];
  const data: Record<string, unknown> = { [`${entry.target.type}_id`]: entry.target.id, ...entry.details };
  if (type === 'import.completed' || type === 'import.reverted') {
    const kind = type === 'import.completed' ? 'import' : 'revert';
    const { rows } = await sql<{ seq_from: number | null; seq_to: number | null }>`
      SELECT min(seq)::float8 AS seq_from, max(seq)::float8 AS seq_to FROM user_changes
       WHERE app_id = ${entry.appId}::uuid AND source @> ${JSON.stringify({ kind, id: entry.target.id })}::jsonb`.execute(db);
    Object.assign(data, rows[0]);
  }
  await recordAppEvent(db, { appId: entry.appId, type, data });
});

// Erasure (docs/privacy.md#erasure): stored delivery bodies and attempt logs naming the person.
export { eraseDeliveriesBatch } from './webhook-erasure.ts';
// A subject-access package lists the endpoints that received a person's events (docs/privacy.md#recipients).
export { listActiveEndpoints, listWebhookRecipients, type WebhookRecipient } from './webhook-recipients.ts';
