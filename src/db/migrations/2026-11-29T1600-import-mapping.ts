import { type Kysely, sql } from 'kysely';

/**
 * Day-one migration (docs/vendor-migration.md#mapping-api): column mapping, suggested fixes and cell edits.
 * Everything a person decides about an import lives in logged tables (imports, import_mappings,
 * import_fix_acceptances, import_row_edits), never only in the unlogged import_rows: a staging
 * table rebuilt from the stored file after a crash gets every decision back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE imports DROP CONSTRAINT IF EXISTS imports_status_check;
    ALTER TABLE imports ADD CONSTRAINT imports_status_check
      CHECK (status IN ('validating','needs_mapping','ready','queued','running','completed','failed','cancelled'));

    -- csv | xlsx | json | ndjson, found from the content.
    ALTER TABLE imports ADD COLUMN format text;
    -- [{source, field, how, samples}] as last planned; null until the header has been read.
    ALTER TABLE imports ADD COLUMN column_map jsonb;
    -- The mapping an operator gave (PUT …/mapping): {"Source header": field | null}.
    ALTER TABLE imports ADD COLUMN mapping jsonb NOT NULL DEFAULT '{}';
    ALTER TABLE imports ADD COLUMN default_region text;
    ALTER TABLE imports ADD COLUMN preset text;
    -- Rows carrying a pending fix, per fix code: {"country_alpha2": 3204}.
    ALTER TABLE imports ADD COLUMN fix_counts jsonb NOT NULL DEFAULT '{}';

    -- An application remembers the mapping it was given for a set of headers.
    CREATE TABLE import_mappings (
      app_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      header_key text NOT NULL,
      mapping jsonb NOT NULL,
      saved_by uuid REFERENCES operators(id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (app_id, header_key)
    );

    CREATE TABLE import_fix_acceptances (
      import_id uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
      code text NOT NULL,
      accepted_by uuid REFERENCES operators(id),
      accepted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (import_id, code)
    );

    -- A row's cell edits, merged: {"Source header": "new value"}.
    CREATE TABLE import_row_edits (
      import_id uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
      row integer NOT NULL,
      cells jsonb NOT NULL,
      edited_by uuid REFERENCES operators(id),
      edited_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (import_id, row)
    );

    ALTER TABLE import_rows ADD COLUMN fixes jsonb;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
