import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The feed's page is the changes' JSON joined (docs/change-feed.md#reading). Building each change's
  // JSON on every read (json_build_object over jsonb columns) was most of a page's time: 64 ms of a
  // 1,000-change page against 14 ms for joining stored text (bench/RESULTS.md, "Change feed read").
  // change_head is the change's JSON object without its `user` and closing brace, kept by PostgreSQL
  // as a generated column: computed once when the change is written, and again whenever a column it
  // is made of changes (an erasure rewriting `changes`), so it can never disagree with them.
  // `user` stays in user_json (json: its text is sent as stored) and is appended on read.
  // The function is declared IMMUTABLE, as a generated column requires: its output depends on its
  // arguments only (timestamps are formatted by to_char in UTC with a numeric pattern, no locale).
  await sql`
    CREATE FUNCTION user_change_head(seq bigint, event_id uuid, type text, occurred_at timestamptz, didit_internal_id uuid,
                                     vendor_data text, changes jsonb, reason text, actor jsonb, source jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT left(json_build_object('seq', seq, 'event_id', event_id, 'type', type,
        'occurred_at', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'didit_internal_id', didit_internal_id, 'vendor_data', vendor_data, 'changes', changes, 'reason', reason,
        'actor', actor, 'source', source)::text, -1)
    $$;
    ALTER TABLE user_changes ADD COLUMN change_head text NOT NULL
      GENERATED ALWAYS AS (user_change_head(seq, event_id, type, occurred_at, didit_internal_id, vendor_data, changes, reason, actor, source)) STORED;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
