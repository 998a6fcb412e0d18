import { type Kysely, sql } from 'kysely';

/**
 * Which jobs crashed their process (issue #19): a job is marked running when a worker takes it and
 * not running when its handler ends, however it ends (completed, failed, handed back at shutdown).
 * A job taken while still marked running was left by a process that died (or froze until pg-boss gave
 * it away). After POISON_CRASHES such deaths it is not run again: a file that kills its parser would
 * otherwise kill one worker after another through retries.
 */
export const POISON_CRASHES = 2;
// A finished run's row is kept this long (a retry finds its count); then it goes.
const KEPT_DAYS = 7;

export interface JobRuns {
  /** Marks the job running here; returns how many earlier runs of it ended with their process. */
  claim(jobId: string, queue: string): Promise<number>;
  /** The handler ended; `completed` forgets the job. */
  finish(jobId: string, outcome: 'completed' | 'failed'): Promise<void>;
  /** Forgets runs started over a week ago (no job runs that long). */
  prune(): Promise<void>;
}

export function jobRunsIn(db: Kysely<any>): JobRuns {
  return {
    async claim(jobId, queue) {
      const { rows } = await sql<{ crashes: number }>`
        INSERT INTO job_runs (job_id, queue, running) VALUES (${jobId}, ${queue}, true)
        ON CONFLICT (job_id) DO UPDATE
          SET crashes = job_runs.crashes + (CASE WHEN job_runs.running THEN 1 ELSE 0 END), running = true, started_at = now()
        RETURNING crashes`.execute(db);
      return rows[0]?.crashes ?? 0;
    },
    async finish(jobId, outcome) {
      if (outcome === 'completed') await sql`DELETE FROM job_runs WHERE job_id = ${jobId}`.execute(db);
      else await sql`UPDATE job_runs SET running = false WHERE job_id = ${jobId}`.execute(db);
    },
    async prune() {
      await sql`DELETE FROM job_runs WHERE started_at < now() - make_interval(days => ${KEPT_DAYS})`.execute(db);
    },
  };
}
