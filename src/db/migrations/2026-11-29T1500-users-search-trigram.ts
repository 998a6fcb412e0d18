import { type Kysely, sql } from 'kysely';

/**
 * Trigram index for the users search (`search=`: a case-insensitive substring of vendor_data,
 * display_name, full_name or email, as ILIKE '%…%'), which otherwise scans every user of the
 * application (0.6–1.1 s at 1,000,000 users). One multicolumn GIN index serves all four columns:
 * the planner ORs one bitmap scan of it per column.
 *
 * pg_trgm ships with PostgreSQL (the embedded server and the system packages alike) and is a
 * trusted extension. It goes into `public`, whichever schema Roster's tables are in, so that a
 * schema dropped later (tests use one per file) never takes it away from another; the advisory
 * lock keeps two processes migrating side by side from creating it twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('roster:extension:pg_trgm'))`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`.execute(db);
  const { rows } = await sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(db);
  const opclass = sql.raw(`${quoteIdentifier(rows[0]!.schema)}.gin_trgm_ops`);
  await sql`
    CREATE INDEX users_search_trgm_idx ON users USING gin (
      vendor_data ${opclass}, display_name ${opclass}, full_name ${opclass}, email ${opclass}
    )
  `.execute(db);
  // Tag filters (tags && ARRAY[…]): a rare tag's users are found without reading the others, which
  // the users count needs (a list page stops after 50 rows; counting up to 10,000 does not).
  await sql`CREATE INDEX users_tags_idx ON users USING gin (tags)`.execute(db);
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
