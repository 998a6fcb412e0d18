import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** The webhook endpoints that were sent one person's events (docs/webhooks.md), for a subject-access package. */
export interface WebhookRecipient {
  endpoint_id: string;
  url: string;
  payload: 'thin' | 'full';
  deleted: boolean;
  events: number;
  delivered: number;
  event_types: string[];
  first_at: string;
  last_delivered_at: string | null;
}

export async function listWebhookRecipients(db: Kysely<Database>, appId: string, userId: string): Promise<WebhookRecipient[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select([
      'd.endpoint_id',
      'e.url',
      'e.payload',
      sql<boolean>`e.deleted_at IS NOT NULL`.as('deleted'),
      sql<number>`count(*)::int`.as('events'),
      sql<number>`count(*) FILTER (WHERE d.status = 'delivered')::int`.as('delivered'),
      sql<string[]>`array_agg(DISTINCT d.event_type)`.as('event_types'),
      sql<Date>`min(d.created_at)`.as('first_at'),
      sql<Date | null>`max(d.delivered_at)`.as('last_delivered_at'),
    ])
    .where('d.app_id', '=', appId)
    .where('d.user_id', '=', userId)
    .groupBy(['d.endpoint_id', 'e.url', 'e.payload', 'e.deleted_at'])
    .orderBy('first_at')
    .execute();
  return rows.map((row) => ({ ...row, first_at: new Date(row.first_at).toISOString(), last_delivered_at: row.last_delivered_at ? new Date(row.last_delivered_at).toISOString() : null }));
}

/** The endpoints receiving an application's events now: recipients in its record of processing (docs/privacy.md). */
export function listActiveEndpoints(db: Kysely<Database>, appId: string) {
  return db.selectFrom('webhook_endpoints').select(['url', 'description', 'payload']).where('app_id', '=', appId).where('deleted_at', 'is', null).orderBy('created_at').execute();
}
