import { type Kysely, sql } from 'kysely';

/** Users-API rate-limit budgets shared by every process (see src/http/rate-limit.ts). Unlogged: a crash only forgets the current minute. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE UNLOGGED TABLE rate_limit_budgets (
      subject text NOT NULL,
      kind text NOT NULL,
      window_start timestamptz NOT NULL,
      used integer NOT NULL,
      PRIMARY KEY (subject, kind, window_start)
    )
  `.execute(db);
}
