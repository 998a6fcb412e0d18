import { type Kysely, sql } from 'kysely';

/** Bulk actions join the one lifecycle (docs/operations.md): their worker heartbeats, the sweeper reads it. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE user_bulk_actions ADD COLUMN heartbeat_at timestamptz`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
