import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The rows a run left alone and why, kept beside the (unlogged) staging table: a database crash
  // empties import_rows, and its rebuild from the file must mark them again for the rows list and errors.csv.
  await sql`
    CREATE TABLE import_run_skips (
      import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
      row integer NOT NULL,
      code text NOT NULL,
      PRIMARY KEY (import_id, row)
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
