import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type UserFilters, userFilterWhere } from './users.filters.ts';

/** Counted exactly up to this many matches; beyond it the planner's estimate is returned, labelled so. */
export const EXACT_COUNT_LIMIT = 10_000;

export interface UserCount {
  count: number;
  exact: boolean;
}

/**
 * How many users match the filters. Counting stops one past the limit (cheap at any table size); past it,
 * PostgreSQL's row estimate for the same WHERE clause stands in, never below the limit it already saw.
 */
export async function countUsers(db: Kysely<Database>, appId: string, filters: UserFilters): Promise<UserCount> {
  const matching = db.selectFrom('users').select(sql`1`.as('one')).where(userFilterWhere(appId, filters));
  const capped = await db
    .selectFrom(matching.limit(EXACT_COUNT_LIMIT + 1).as('capped'))
    .select(sql<string>`count(*)`.as('count'))
    .executeTakeFirstOrThrow();
  const count = Number(capped.count);
  if (count <= EXACT_COUNT_LIMIT) return { count, exact: true };
  const compiled = matching.compile();
  const explained = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]));
  const planRows = explained.rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
  return { count: Math.max(EXACT_COUNT_LIMIT + 1, Math.round(planRows)), exact: false };
}
