import { type Kysely, sql } from 'kysely';

/**
 * Backfills that lose nothing (docs/imports.md, "Merge or replace"): how a file applies to the tags
 * and metadata users already have, whether a bad optional cell skips its row or is cleared, what a
 * replace would remove (for the preview's warning), and what an application remembers beside a
 * mapping (accepted fix codes, value mappings, column types and combines).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- replace | merge | remove; null: replace (the default).
    ALTER TABLE imports ADD COLUMN tags_mode text;
    -- replace | merge; null: merge, or replace when a metadata_json column is mapped.
    ALTER TABLE imports ADD COLUMN metadata_mode text;
    -- skip_row | clear_cell.
    ALTER TABLE imports ADD COLUMN invalid_cells text NOT NULL DEFAULT 'skip_row';
    -- What the forecast removes from existing users: {"metadata": {"keys": {"notes": rows}, "users": n}, "tags": {...}}.
    ALTER TABLE imports ADD COLUMN removals jsonb NOT NULL DEFAULT '{}';
    -- Rows applied without some of their cells (invalid_cells = clear_cell).
    ALTER TABLE imports ADD COLUMN cells_cleared integer NOT NULL DEFAULT 0;
    -- Per column: {"Header": {"values": {"pending": "FLAGGED"}, "type": "number"}}; combines: [{"sources", "field", "separator"}].
    ALTER TABLE imports ADD COLUMN transforms jsonb NOT NULL DEFAULT '{}';

    -- An application remembers, beside a mapping, the fix codes accepted and the column transforms.
    ALTER TABLE import_mappings ADD COLUMN accepted_fixes text[] NOT NULL DEFAULT '{}';
    ALTER TABLE import_mappings ADD COLUMN transforms jsonb NOT NULL DEFAULT '{}';
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
