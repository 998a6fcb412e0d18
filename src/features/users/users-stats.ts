import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** Aggregates of an application's users for the console's overview page. */

export interface UserStats {
  by_status: { status: string; count: number }[];
  /** The most common countries first; the rest summed as country "other", users without one as null. */
  by_country: { country: string | null; count: number }[];
  /** One entry per UTC day for the last `days` days, oldest first, zero days included. */
  created_per_day: { day: string; count: number }[];
}

const TOP_COUNTRIES = 8;

export async function userStats(db: Kysely<Database>, appId: string, days = 30): Promise<UserStats> {
  const [byStatus, byCountry, perDay] = await Promise.all([
    sql<{ status: string; count: string }>`SELECT status, count(*) AS count FROM users WHERE app_id = ${appId}::uuid GROUP BY status ORDER BY count(*) DESC`.execute(db),
    sql<{ country: string | null; count: string }>`SELECT country, count(*) AS count FROM users WHERE app_id = ${appId}::uuid GROUP BY country ORDER BY count(*) DESC, country`.execute(db),
    sql<{ day: string; count: string }>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, COALESCE(created.count, 0) AS count
      FROM generate_series((now() AT TIME ZONE 'UTC')::date - ${days - 1}::int, (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS day
      LEFT JOIN (
        SELECT (created_at AT TIME ZONE 'UTC')::date AS created_day, count(*) AS count
        FROM users
        WHERE app_id = ${appId}::uuid AND created_at >= ((now() AT TIME ZONE 'UTC')::date - ${days - 1}::int) AT TIME ZONE 'UTC'
        GROUP BY 1
      ) AS created ON created.created_day = day::date
      ORDER BY day`.execute(db),
  ]);
  const countries = byCountry.rows.map((row) => ({ country: row.country, count: Number(row.count) }));
  const named = countries.filter((row) => row.country !== null);
  const top = named.slice(0, TOP_COUNTRIES);
  const other = named.slice(TOP_COUNTRIES).reduce((sum, row) => sum + row.count, 0);
  const missing = countries.find((row) => row.country === null);
  return {
    by_status: byStatus.rows.map((row) => ({ status: row.status, count: Number(row.count) })),
    by_country: [...top, ...(other > 0 ? [{ country: 'other', count: other }] : []), ...(missing ? [missing] : [])],
    created_per_day: perDay.rows.map((row) => ({ day: row.day, count: Number(row.count) })),
  };
}
