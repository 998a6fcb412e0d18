import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Rows written so far by the running attempt, for the console's progress; row_count stays the final figure.
  await sql`ALTER TABLE exports ADD COLUMN rows_written bigint`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
