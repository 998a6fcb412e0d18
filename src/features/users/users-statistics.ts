import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * The planner's statistics on `users`, refreshed after bulk writes.
 *
 * Without them PostgreSQL guesses that one application holds a few thousand users, and looks up an
 * import's batch of vendor_data by scanning the whole application through its created_at index
 * instead of probing the unique (app_id, vendor_data) index: measured with 1,000,000 users, 300–570 ms
 * a 500-row batch against 3–6 ms after ANALYZE, so a preview into a full application took 40 times as
 * long as one into an empty one. Autovacuum refreshes statistics only after a minute or more, and
 * not at all where it is off (as on the system PostgreSQL these tests run on), so the bulk paths ask
 * here first. ANALYZE samples a fixed number of rows: about 0.3 s at 1,000,000 users, whatever the
 * size beyond. It does not block reads or writes; two at once take turns.
 */
const STALE_AFTER_ROWS = 10_000;
const STALE_FRACTION = 0.1;

/** ANALYZE users when at least 10,000 rows and 10% of the table changed since its last analysis; says whether it did. */
export async function refreshUserStatisticsIfStale(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ stale: boolean }>`
    SELECT n_mod_since_analyze >= ${STALE_AFTER_ROWS}::bigint AND n_mod_since_analyze >= ${STALE_FRACTION}::float8 * n_live_tup AS stale
      FROM pg_stat_user_tables WHERE relid = 'users'::regclass`.execute(db);
  if (!rows[0]?.stale) return false;
  await sql`ANALYZE users`.execute(db);
  return true;
}

// Below this many users an application's lookups are cheap whatever plan they get.
const OUTGROWN_FROM_ROWS = 1_000;

/**
 * ANALYZE users when the planner believes application `appId` holds under a tenth of `atLeast` users
 * (a count it is known to have reached, such as the users an import run has created so far); says
 * whether it did. An application the last ANALYZE saw empty is estimated at one row, and then each
 * of the run's probes for a vendor_data walks the application through its created_at index instead
 * of the unique (app_id, vendor_data) index: measured, a 1,000,000-row import into a new application
 * beside one analyzed at 110,000 users had applied 70,000 rows after 19 minutes (one chunk's
 * statement ran for minutes), where the same run into an empty database takes ~90 s. The 10% rule
 * above does not catch it in time (the table is large, the application small yet). Asking costs one
 * EXPLAIN; as the application grows tenfold between analyses, a million-row run analyzes about 3 times.
 */
export async function refreshUserStatisticsIfAppOutgrew(db: Kysely<Database>, appId: string, atLeast: number): Promise<boolean> {
  if (atLeast < OUTGROWN_FROM_ROWS) return false;
  const { rows } = await sql<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>`EXPLAIN (FORMAT JSON) SELECT 1 FROM users WHERE app_id = ${appId}::uuid`.execute(db);
  const estimate = rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
  if (estimate * 10 >= atLeast) return false;
  await sql`ANALYZE users`.execute(db);
  return true;
}

/** How many users application `appId` holds, counted up to `cap` (an index range read, a few ms a 10,000). */
export async function countAppUsersUpTo(db: Kysely<Database>, appId: string, cap = 100_000): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM users WHERE app_id = ${appId}::uuid LIMIT ${cap}::int) AS app_users`.execute(db);
  return rows[0]?.n ?? 0;
}
