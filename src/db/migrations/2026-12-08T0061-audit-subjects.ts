import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Reads on record (docs/privacy.md#reads-on-record): one entry per request names every user it showed,
  // so a list page of 50 users is one row, found from any of them through this index.
  await sql`ALTER TABLE audit_logs ADD COLUMN subject_ids uuid[]`.execute(db);
  await sql`CREATE INDEX audit_logs_subjects_idx ON audit_logs USING gin (subject_ids) WHERE subject_ids IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
