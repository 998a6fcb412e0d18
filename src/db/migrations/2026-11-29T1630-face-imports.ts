import { type Kysely, sql } from 'kysely';

/** Bulk faces (docs/faces.md): face imports, their per-entry report, and the hash that keeps one image off a user twice. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Faces stored before this migration have no hash; every face stored since carries its SHA-256.
    ALTER TABLE faces ADD COLUMN sha256 bytea;
    CREATE UNIQUE INDEX faces_user_sha256_idx ON faces (app_id, user_id, sha256);
    CREATE INDEX faces_storage_key_idx ON faces (storage_key);

    CREATE TABLE face_imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL UNIQUE,
      app_id uuid NOT NULL REFERENCES applications(id),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed')),
      file_name text NOT NULL,
      storage_key text NOT NULL,
      file_bytes bigint NOT NULL,
      total integer NOT NULL DEFAULT 0,
      added integer NOT NULL DEFAULT 0,
      skipped integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      inflated_bytes bigint NOT NULL DEFAULT 0,
      created_by uuid NOT NULL REFERENCES operators(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      error jsonb
    );
    CREATE INDEX face_imports_app_seq_idx ON face_imports (app_id, seq DESC);
    CREATE INDEX face_imports_active_idx ON face_imports (heartbeat_at) WHERE status IN ('queued','running');

    -- One row per entry, committed with the entry's face: a retry skips the entries it finds here.
    CREATE TABLE face_import_entries (
      face_import_id uuid NOT NULL REFERENCES face_imports(id) ON DELETE CASCADE,
      entry integer NOT NULL,
      file text NOT NULL,
      vendor_data text,
      outcome text NOT NULL CHECK (outcome IN ('added','skipped','failed')),
      reason text,
      face_id uuid,
      PRIMARY KEY (face_import_id, entry)
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
