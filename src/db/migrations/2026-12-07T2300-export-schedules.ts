import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE export_schedules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
      name text NOT NULL,
      cron text NOT NULL,
      timezone text NOT NULL DEFAULT 'UTC',
      format text NOT NULL DEFAULT 'csv',
      compression text NOT NULL DEFAULT 'none',
      filters jsonb NOT NULL DEFAULT '{}',
      columns text[],
      incremental boolean NOT NULL DEFAULT false,
      destination_url text,
      destination_access_key_id text,
      destination_secret_sealed text,
      created_by uuid NOT NULL REFERENCES operators (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      next_run_at timestamptz NOT NULL,
      -- The as_of_seq of the last run that completed and reached its destination: the next incremental
      -- run starts there, so a failed run is covered by the one after it.
      last_success_as_of_seq bigint,
      deleted_at timestamptz
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX export_schedules_name_idx ON export_schedules (app_id, lower(name)) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX export_schedules_due_idx ON export_schedules (next_run_at) WHERE deleted_at IS NULL`.execute(db);
  await sql`
    CREATE TABLE export_schedule_runs (
      export_id uuid PRIMARY KEY REFERENCES exports (id) ON DELETE CASCADE,
      schedule_id uuid NOT NULL REFERENCES export_schedules (id) ON DELETE CASCADE,
      app_id uuid NOT NULL,
      -- The tick this run belongs to (null for "run now"): unique, so a tick runs once across processes.
      tick_at timestamptz,
      since_seq bigint,
      delivery text NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'delivered', 'failed', 'none')),
      destination_prefix text,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      UNIQUE (schedule_id, tick_at)
    )`.execute(db);
  await sql`CREATE INDEX export_schedule_runs_schedule_idx ON export_schedule_runs (schedule_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX export_schedule_runs_pending_idx ON export_schedule_runs (created_at) WHERE delivery = 'pending'`.execute(db);
  await sql`ALTER TABLE exports ADD COLUMN schedule_id uuid`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
