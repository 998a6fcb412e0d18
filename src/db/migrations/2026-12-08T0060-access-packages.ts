import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A subject-access package (docs/privacy.md#subject-access): one row per request, on the shared
  // lifecycle (docs/operations.md); the ZIP is stored like an export's file and deleted when its link expires.
  await sql`
    CREATE TABLE access_packages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial,
      app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
      user_id uuid NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'expired')),
      requested_by uuid NOT NULL REFERENCES operators (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      storage_key text,
      bytes bigint,
      files jsonb,
      expires_at timestamptz,
      file_deleted_at timestamptz,
      error text
    )`.execute(db);
  await sql`CREATE INDEX access_packages_user_idx ON access_packages (app_id, user_id, seq DESC)`.execute(db);
  await sql`CREATE INDEX access_packages_expiry_idx ON access_packages (expires_at) WHERE status = 'completed'`.execute(db);
  // What the record of processing (Art. 30) says an application does with personal data: set by its operators.
  await sql`
    CREATE TABLE app_privacy_settings (
      app_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
      purposes jsonb NOT NULL DEFAULT '[]',
      sources jsonb NOT NULL DEFAULT '[]',
      controller text,
      updated_by uuid REFERENCES operators (id),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
