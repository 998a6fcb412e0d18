import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE operator_password_resets (
      -- SHA-256 of the one-time token mailed to the operator; the token itself is never stored.
      token_hash bytea PRIMARY KEY,
      operator_id uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
      requested_by uuid REFERENCES operators(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX operator_password_resets_operator_idx ON operator_password_resets (operator_id);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
