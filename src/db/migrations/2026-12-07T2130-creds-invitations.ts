import { type Kysely, sql } from 'kysely';

/** Invitations can be revoked (by an OWNER or ADMIN, or when their sender loses the right to send them). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE operator_invitations
      ADD COLUMN revoked_at timestamptz,
      ADD COLUMN revoked_by uuid REFERENCES operators(id),
      -- Why it ended: 'revoked' (someone revoked it), 'sender_removed', 'sender_role_changed'.
      ADD COLUMN revoked_reason text;
    CREATE INDEX operator_invitations_sender_idx ON operator_invitations (invited_by) WHERE accepted_at IS NULL AND revoked_at IS NULL;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
