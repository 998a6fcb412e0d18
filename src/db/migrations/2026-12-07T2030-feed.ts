import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The change feed (docs/change-feed.md): one row per change to a user, numbered per application by
  // app_change_counters. The counter row is taken last in each writing transaction, so its row lock
  // orders commits: a change with a higher seq always commits after every lower one.
  await sql`
    CREATE TABLE app_change_counters (
      app_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
      last_seq bigint NOT NULL DEFAULT 0,
      pruned_through bigint NOT NULL DEFAULT 0
    );
    CREATE TABLE user_changes (
      app_id uuid NOT NULL,
      seq bigint NOT NULL,
      event_id uuid NOT NULL DEFAULT gen_random_uuid(),
      type text NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      didit_internal_id uuid NOT NULL,
      vendor_data text NOT NULL,
      changes jsonb NOT NULL DEFAULT '{}',
      reason text,
      actor jsonb NOT NULL,
      source jsonb NOT NULL,
      user_json json,
      PRIMARY KEY (app_id, seq)
    );
    ALTER TABLE exports ADD COLUMN format text NOT NULL DEFAULT 'csv';
    ALTER TABLE exports ADD COLUMN compression text NOT NULL DEFAULT 'none';
    ALTER TABLE exports ADD COLUMN as_of_seq bigint;
    ALTER TABLE exports ADD COLUMN since_seq bigint;
    ALTER TABLE exports ADD COLUMN parts jsonb;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
