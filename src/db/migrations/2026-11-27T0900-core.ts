import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE organizations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE applications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations(id),
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX applications_org_idx ON applications (org_id);

    CREATE TABLE operators (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations(id),
      email text NOT NULL,
      name text NOT NULL DEFAULT '',
      role text NOT NULL CHECK (role IN ('OWNER','ADMIN','COMPLIANCE_OFFICER','DEVELOPER','READER')),
      password_hash text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      removed_at timestamptz
    );
    -- An email signs in to exactly one operator, so it is unique across organizations.
    CREATE UNIQUE INDEX operators_email_idx ON operators (lower(email)) WHERE removed_at IS NULL;

    CREATE TABLE operator_sessions (
      token_hash bytea PRIMARY KEY,
      operator_id uuid NOT NULL REFERENCES operators(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );

    CREATE TABLE console_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      operator_id uuid NOT NULL REFERENCES operators(id),
      token_hash bytea NOT NULL UNIQUE,
      name text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL REFERENCES applications(id),
      key_hash bytea NOT NULL UNIQUE,
      prefix text NOT NULL,
      name text NOT NULL DEFAULT '',
      created_by uuid REFERENCES operators(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_app_idx ON api_keys (app_id);

    CREATE TABLE users (
      didit_internal_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL REFERENCES applications(id),
      vendor_data text NOT NULL,
      display_name text,
      full_name text,
      date_of_birth date,
      email text,
      phone text,
      country text,
      status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','FLAGGED','BLOCKED')),
      tags text[] NOT NULL DEFAULT '{}',
      metadata jsonb NOT NULL DEFAULT '{}',
      -- Set once an approved session has verified full_name and date_of_birth: imports may not change them after.
      verified_at timestamptz,
      session_count integer NOT NULL DEFAULT 0,
      approved_count integer NOT NULL DEFAULT 0,
      declined_count integer NOT NULL DEFAULT 0,
      in_review_count integer NOT NULL DEFAULT 0,
      first_session_at timestamptz,
      last_session_at timestamptz,
      last_activity_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (app_id, vendor_data)
    );
    -- Lists and exports page newest first by (created_at, didit_internal_id).
    CREATE INDEX users_app_created_idx ON users (app_id, created_at DESC, didit_internal_id DESC);

    CREATE TABLE user_verification_sessions (
      app_id uuid NOT NULL REFERENCES applications(id),
      session_id text NOT NULL,
      user_id uuid NOT NULL REFERENCES users(didit_internal_id) ON DELETE CASCADE,
      status text NOT NULL,
      completed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (app_id, session_id)
    );

    CREATE TABLE faces (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL REFERENCES applications(id),
      user_id uuid NOT NULL REFERENCES users(didit_internal_id) ON DELETE CASCADE,
      storage_key text NOT NULL,
      content_type text NOT NULL,
      bytes integer NOT NULL,
      comment text,
      uploaded_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX faces_user_idx ON faces (app_id, user_id);

    CREATE TABLE audit_logs (
      id bigserial PRIMARY KEY,
      org_id uuid NOT NULL REFERENCES organizations(id),
      app_id uuid,
      actor_type text NOT NULL CHECK (actor_type IN ('operator','api_key','system')),
      actor_id text,
      actor_label text NOT NULL,
      action text NOT NULL,
      target_type text,
      target_id text,
      details jsonb NOT NULL DEFAULT '{}',
      outcome text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success','failure')),
      ip text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX audit_logs_org_idx ON audit_logs (org_id, id DESC);
    CREATE INDEX audit_logs_target_idx ON audit_logs (org_id, target_type, target_id);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
