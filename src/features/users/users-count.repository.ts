import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type UserFilters, userFilterWhere } from './users.filters.ts';

/** Up to this many matching users are counted exactly; beyond, the count is PostgreSQL's estimate. */
export const EXACT_COUNT_LIMIT = 10_000;

export interface UserCount {
  count: number;
  exact: boolean;
}

/**
 * How many of an application's users match `filters` (the users list's own WHERE clause). Counting
 * a million rows exactly costs a scan of them all on every page view; counting stops at
 * EXACT_COUNT_LIMIT + 1 instead, and a larger total is the planner's row estimate for the same
 * query (from the table's statistics), never below what was counted.
 */
export async function countUsers(db: Kysely<Database>, appId: string, filters: UserFilters): Promise<UserCount> {
  const matching = db.selectFrom('users').select(sql<number>`1`.as('one')).where(userFilterWhere(appId, filters));
  const counted = await db
    .selectFrom(matching.limit(EXACT_COUNT_LIMIT + 1).as('matching'))
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();
  if (counted.count <= EXACT_COUNT_LIMIT) return { count: counted.count, exact: true };
  const query = matching.compile();
  const explained = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]),
  );
  const estimate = Math.round(explained.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  return { count: Math.max(estimate, EXACT_COUNT_LIMIT + 1), exact: false };
}
