import { type Kysely, sql } from 'kysely';

/** Import change ledger (docs/import-ledger.md): per-user audit entries folded under their import, diff, guard, modes, revert. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The import whose run or revert wrote this per-user entry. The organization's trail lists only
    -- entries without one (an import is one line there); its per-user entries are listed by import.
    -- Every index here is paid once per user an import changes, so there are as few as the lists need:
    -- the trail (entries without batch), an import's entries (batch), a user's history (target).
    ALTER TABLE audit_logs ADD COLUMN batch_id uuid;
    CREATE INDEX audit_logs_batch_idx ON audit_logs (batch_id, id) WHERE batch_id IS NOT NULL;
    CREATE INDEX audit_logs_top_idx ON audit_logs (org_id, id DESC) WHERE batch_id IS NULL;
    DROP INDEX IF EXISTS audit_logs_org_idx;
    -- A user's history, newest first, paged by id (replaces the (org_id, target_type, target_id) index;
    -- targets are UUIDs, so the organization is checked on the row).
    CREATE INDEX audit_logs_target_id_idx ON audit_logs (target_id, id DESC) WHERE target_id IS NOT NULL;
    DROP INDEX IF EXISTS audit_logs_target_idx;

    ALTER TABLE imports
      ADD COLUMN mode text NOT NULL DEFAULT 'upsert' CHECK (mode IN ('upsert', 'create_only', 'update_only')),
      ADD COLUMN status_reason text,
      ADD COLUMN allow_unblock boolean NOT NULL DEFAULT false,
      ADD COLUMN to_skip integer NOT NULL DEFAULT 0,
      ADD COLUMN field_changes jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN status_changes jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN verified_ignored integer NOT NULL DEFAULT 0,
      ADD COLUMN revert_status text CHECK (revert_status IN ('queued', 'running', 'completed', 'failed')),
      -- The last audit entry id the revert has handled, committed with that chunk (as cursor_row is for the run).
      ADD COLUMN revert_cursor bigint NOT NULL DEFAULT 0,
      ADD COLUMN reverted integer NOT NULL DEFAULT 0,
      ADD COLUMN deleted integer NOT NULL DEFAULT 0,
      ADD COLUMN conflicts integer NOT NULL DEFAULT 0,
      ADD COLUMN reverted_by uuid REFERENCES operators(id),
      ADD COLUMN revert_requested_at timestamptz,
      ADD COLUMN revert_finished_at timestamptz,
      ADD COLUMN revert_heartbeat_at timestamptz,
      ADD COLUMN revert_error jsonb;

    -- Per row: its own status reason, the preview's diff and warnings, and why a mode or the run skips it.
    ALTER TABLE import_rows
      ADD COLUMN status_reason text,
      ADD COLUMN changes jsonb,
      ADD COLUMN warnings jsonb,
      ADD COLUMN skip_code text;

    -- What a revert left as it was, and why; written in the chunk's transaction (keyed, so a redone chunk adds nothing).
    CREATE TABLE import_revert_conflicts (
      import_id uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
      audit_id bigint NOT NULL,
      field text NOT NULL,
      vendor_data text NOT NULL,
      reason text NOT NULL,
      PRIMARY KEY (import_id, audit_id, field)
    );
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
