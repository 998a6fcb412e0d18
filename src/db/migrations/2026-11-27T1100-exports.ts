import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE exports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL UNIQUE,
      app_id uuid NOT NULL REFERENCES applications(id),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed','expired')),
      filters jsonb NOT NULL DEFAULT '{}',
      columns text[] NOT NULL,
      row_count bigint,
      bytes bigint,
      storage_key text,
      attempt_key text,
      attempts integer NOT NULL DEFAULT 0,
      created_by uuid NOT NULL REFERENCES operators(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      expires_at timestamptz,
      file_deleted_at timestamptz,
      error text
    );
    CREATE INDEX exports_app_seq_idx ON exports (app_id, seq DESC);
    -- The retention sweep looks for completed files whose link has expired.
    CREATE INDEX exports_expiry_idx ON exports (expires_at) WHERE status = 'completed';
    -- The sweep also fails exports whose worker died after its last retry.
    CREATE INDEX exports_running_idx ON exports (heartbeat_at) WHERE status = 'running';
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
