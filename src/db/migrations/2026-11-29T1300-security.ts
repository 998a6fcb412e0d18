import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Sign-in throttle counters shared by every process: one row per key (email+address, address, email).
    -- 'failures' counts attempts in flight (reserved) plus failures in the window; blocked_until grows with each
    -- failure past the limit. Rows idle for a day are deleted by the next sign-in that finds them.
    CREATE TABLE sign_in_throttles (
      key text PRIMARY KEY,
      failures integer NOT NULL DEFAULT 0,
      window_started_at timestamptz NOT NULL DEFAULT now(),
      blocked_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sign_in_throttles_updated_idx ON sign_in_throttles (updated_at);

    -- An invitation to become an operator; the operator is created when the invitee sets a password.
    CREATE TABLE operator_invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations(id),
      email text NOT NULL,
      role text NOT NULL,
      name text NOT NULL DEFAULT '',
      token_hash bytea NOT NULL UNIQUE,
      invited_by uuid REFERENCES operators(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz
    );
    CREATE INDEX operator_invitations_org_idx ON operator_invitations (org_id, created_at DESC);

    -- An OWNER may revoke an export's download link before it expires.
    ALTER TABLE exports ADD COLUMN revoked_at timestamptz, ADD COLUMN revoked_by uuid REFERENCES operators(id);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
