import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per job a worker has taken and not finished: a row still `running` when the job is taken
  // again means the process running it died (src/platform/jobs/job-runs.ts, docs/operations.md).
  await sql`
    CREATE TABLE job_runs (
      job_id text PRIMARY KEY,
      queue text NOT NULL,
      running boolean NOT NULL,
      crashes integer NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
