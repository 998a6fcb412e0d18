import { type Kysely, sql } from 'kysely';

/** Exports and face imports can be cancelled (docs/operations.md); the pending-export cap counts by requester. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE exports DROP CONSTRAINT IF EXISTS exports_status_check`.execute(db);
  await sql`ALTER TABLE exports ADD CONSTRAINT exports_status_check CHECK (status IN ('queued','running','completed','failed','cancelled','expired'))`.execute(db);
  await sql`ALTER TABLE face_imports DROP CONSTRAINT IF EXISTS face_imports_status_check`.execute(db);
  await sql`ALTER TABLE face_imports ADD CONSTRAINT face_imports_status_check CHECK (status IN ('queued','running','completed','failed','cancelled'))`.execute(db);
  await sql`CREATE INDEX exports_pending_by_requester_idx ON exports (created_by) WHERE status IN ('queued','running')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
