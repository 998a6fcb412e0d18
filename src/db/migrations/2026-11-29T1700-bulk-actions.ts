import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE user_bulk_actions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL REFERENCES applications(id),
      action text NOT NULL CHECK (action IN ('set_status','add_tag','remove_tag','delete')),
      -- {"status", "reason"} or {"tag"}
      params jsonb NOT NULL DEFAULT '{}',
      -- {"ids": [...]} (checked rows) or {"filters": {...}} (all matching the filters)
      selection jsonb NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed')),
      total integer,
      processed integer NOT NULL DEFAULT 0,
      changed integer NOT NULL DEFAULT 0,
      -- The last didit_internal_id applied, committed with its chunk: a resumed job starts after it.
      cursor_id uuid,
      created_by uuid NOT NULL REFERENCES operators(id),
      created_by_ip text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      error text
    );
    CREATE INDEX user_bulk_actions_app_idx ON user_bulk_actions (app_id, created_at DESC);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
