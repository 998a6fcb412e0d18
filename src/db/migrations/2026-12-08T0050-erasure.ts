import { type Kysely, sql } from 'kysely';

/** Erasure (docs/privacy.md#erasure): one audited job per request, its held record, per-application retention. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE erasures (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id),
      app_id uuid NOT NULL REFERENCES applications (id),
      didit_internal_id uuid NOT NULL,
      vendor_data text NOT NULL,
      reason text NOT NULL,
      legal_hold boolean NOT NULL,
      hold_until timestamptz,
      hold_purged_at timestamptz,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed')),
      -- The person's identifying values (email, phone, names), needed to find them in free text while the
      -- erasure runs (the user row goes early); set to NULL when it completes.
      subject jsonb,
      -- The steps done so far and what each removed, committed with the step: a retry skips them.
      steps_done text[] NOT NULL DEFAULT '{}',
      removed jsonb NOT NULL DEFAULT '{}',
      -- Within a batched step, the last key handled (committed with its batch).
      step_cursor text,
      requested_by uuid NOT NULL REFERENCES operators (id),
      requested_by_label text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      error text,
      certificate jsonb
    );
    -- One erasure per user: a second request is a 409 (a failed one is resumed instead).
    CREATE UNIQUE INDEX erasures_user_once_idx ON erasures (app_id, didit_internal_id);
    CREATE INDEX erasures_app_idx ON erasures (app_id, created_at DESC, id DESC);

    -- What anti-money-laundering duties keep after an erasure with legal_hold (docs/privacy.md#legal-hold).
    CREATE TABLE erasure_holds (
      erasure_id uuid PRIMARY KEY REFERENCES erasures (id) ON DELETE CASCADE,
      app_id uuid NOT NULL REFERENCES applications (id),
      didit_internal_id uuid NOT NULL,
      vendor_data text NOT NULL,
      full_name text,
      date_of_birth date,
      sessions jsonb NOT NULL DEFAULT '[]',
      hold_until timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX erasure_holds_until_idx ON erasure_holds (hold_until);

    -- Per-application retention per category (docs/privacy.md#retention); keys absent use the defaults.
    ALTER TABLE applications ADD COLUMN retention jsonb NOT NULL DEFAULT '{}';
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
