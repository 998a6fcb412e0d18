import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL REFERENCES applications(id),
      file_name text NOT NULL,
      storage_key text NOT NULL,
      file_bytes bigint NOT NULL DEFAULT 0,
      status text NOT NULL CHECK (status IN ('validating','ready','queued','running','completed','failed','cancelled')),
      -- What the reader found: the file's own header spelling is kept for the preview's "values".
      encoding text,
      delimiter text,
      columns text[] NOT NULL DEFAULT '{}',
      warnings jsonb NOT NULL DEFAULT '[]',
      error jsonb,
      total_rows integer NOT NULL DEFAULT 0,
      valid_rows integer NOT NULL DEFAULT 0,
      invalid_rows integer NOT NULL DEFAULT 0,
      to_create integer NOT NULL DEFAULT 0,
      to_update integer NOT NULL DEFAULT 0,
      preview_unchanged integer NOT NULL DEFAULT 0,
      processed_rows integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      run_unchanged integer NOT NULL DEFAULT 0,
      skipped integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      -- The last row number the run has applied, committed in the same transaction as that chunk:
      -- a resumed run starts after it, so no row is applied twice and none is lost.
      cursor_row integer NOT NULL DEFAULT 0,
      -- Last sign of life from the worker on it; an import silent for hours is marked failed by the sweeper.
      heartbeat_at timestamptz,
      created_by uuid NOT NULL REFERENCES operators(id),
      started_by uuid REFERENCES operators(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      validated_at timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      file_deleted_at timestamptz
    );
    CREATE INDEX imports_app_created_idx ON imports (app_id, created_at DESC, id DESC);

    -- One row per data row of an import file: the preview store and the run's staging table.
    -- Normalised columns hold NULL for "leave as it is" (empty cell or missing column).
    -- UNLOGGED: a million staged rows would otherwise write ~1 GB of WAL that the run then pays for in
    -- checkpoints. The file stays in storage; a database crash empties this table, and a run that
    -- finds its rows gone fails with staging_lost instead of applying part of a file.
    -- No foreign key: checking one per row would slow the COPY of a million rows; rows go with their import.
    CREATE UNLOGGED TABLE import_rows (
      import_id uuid NOT NULL,
      row integer NOT NULL,
      line integer NOT NULL,
      -- The row's cells as in the file, joined by U+001F (see encodeCells).
      cells text NOT NULL,
      vendor_data text,
      display_name text,
      full_name text,
      email text,
      phone text,
      country text,
      status text,
      tags text[],
      metadata jsonb,
      errors jsonb,
      action text NOT NULL CHECK (action IN ('create','update','unchanged','skip')),
      PRIMARY KEY (import_id, row)
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
