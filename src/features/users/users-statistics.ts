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
