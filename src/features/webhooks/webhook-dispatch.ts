import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { type Change, readChangePage } from '../users/index.ts';
import { endpointTakes, userEventBody } from './webhook-events.ts';

/**
 * User events come from the change feed (docs/webhooks.md, "Outbox"): a change is written in the same
 * transaction as the user's change, so the feed is the outbox. Each endpoint keeps a cursor into its
 * application's feed; a round turns the changes after it into deliveries and moves it, in one
 * transaction, with the endpoint row locked (SKIP LOCKED) so two workers never queue the same page.
 * The feed never shows seq N before every change below N (docs/change-feed.md), so a cursor skips
 * nothing. A disabled endpoint's cursor waits, and a backlog is queued a page per round.
 */
const PAGE = 1000;

/** Queues the feed's new changes for endpoints whose cursor is behind; returns how many changes it read (0: every cursor is current). */
export async function dispatchFeed(ctx: AppContext, endpointsPerRound = 20): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const { rows: endpoints } = await sql<{ id: string; app_id: string; events: string[]; import_events: string; payload: 'thin' | 'full'; feed_cursor: string }>`
      SELECT e.id, e.app_id, e.events, e.import_events, e.payload, e.feed_cursor
        FROM webhook_endpoints e JOIN app_change_counters c ON c.app_id = e.app_id
       WHERE e.deleted_at IS NULL AND e.enabled AND c.last_seq > e.feed_cursor
       ORDER BY e.updated_at
       LIMIT ${endpointsPerRound}
       FOR UPDATE OF e SKIP LOCKED`.execute(trx);
    let read = 0;
    for (const endpoint of endpoints) {
      const cursor = Number(endpoint.feed_cursor);
      const page = await readChangePage(trx, endpoint.app_id, { after: cursor, limit: PAGE });
      if (page.last === null) continue;
      read += page.count;
      const changes = (JSON.parse(page.json) as Change[]).filter((change) => endpointTakes(endpoint, change));
      if (changes.length > 0) {
        await trx
          .insertInto('webhook_deliveries')
          .values(
            changes.map((change) => ({
              app_id: endpoint.app_id,
              endpoint_id: endpoint.id,
              event_id: change.event_id,
              event_type: change.type,
              seq: change.seq,
              user_id: change.didit_internal_id,
              body: userEventBody(endpoint.app_id, change, endpoint.payload),
            })),
          )
          .onConflict((conflict) => conflict.columns(['endpoint_id', 'event_id']).doNothing())
          .execute();
      }
      await trx.updateTable('webhook_endpoints').set({ feed_cursor: page.last }).where('id', '=', endpoint.id).execute();
    }
    return read;
  });
}
