import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { eventually, type RosterProcess, spawnRoster } from '../../../test/support/roster-process.ts';
import { POISON_CRASHES } from '../../platform/jobs/job-runs.ts';
import { csvText, getImportView, uploadCsv } from '../../../test/support/imports.ts';

/**
 * A job that takes its process down is not handed to the next one (issue #19): a validation that
 * was running when its `roster worker` died, twice, fails its import with `job_crashed` instead of
 * killing a third worker. The deaths here are real: each worker is SIGKILLed while it runs the job.
 */

let roster: TestRoster;
const workers: RosterProcess[] = [];

// No in-process worker: the job runs only in `roster worker` processes this test kills.
beforeAll(async () => {
  roster = await startTestRoster();
});
afterAll(async () => {
  for (const worker of workers) if (worker.alive()) worker.child.kill('SIGKILL');
  await roster?.close();
});

async function startWorker(): Promise<RosterProcess> {
  const worker = await spawnRoster('worker', {
    DATABASE_URL: roster.databaseUrl,
    ROSTER_DB_SCHEMA: roster.schema,
    ROSTER_DATA_DIR: roster.dataDir,
    ROSTER_SECRET: roster.config.ROSTER_SECRET,
    PUBLIC_URL: roster.config.PUBLIC_URL,
  });
  workers.push(worker);
  return worker;
}

const runOf = (queue: string) => roster.ctx.db.selectFrom('job_runs' as never).selectAll().where('queue' as never, '=', queue as never).executeTakeFirst() as Promise<{ running: boolean; crashes: number } | undefined>;

describe('a job whose process dies while running it', () => {
  it(`is failed with job_crashed after ${POISON_CRASHES} deaths instead of being taken by a third worker`, { timeout: 300_000 }, async () => {
    const tenant = await createTestTenant(roster.ctx);
    // Big enough that its validation is still running when the worker is killed.
    const file = csvText([['vendor_data', 'display_name', 'email'], ...Array.from({ length: 300_000 }, (_, i) => [`p-${i}`, `Name ${i}`, `p${i}@example.com`])]);
    const upload = await uploadCsv(roster, tenant, file);
    expect(upload.statusCode).toBe(201);
    const id = upload.json().id as string;

    for (let death = 0; death < POISON_CRASHES; death++) {
      const worker = await startWorker();
      await eventually(`worker ${death + 1} to take the validation`, async () => {
        const run = await runOf('imports.validate');
        return run?.running && run.crashes === death ? run : undefined;
      }, 120_000, 20);
      worker.child.kill('SIGKILL');
      await worker.exited;
      expect((await getImportView(roster, tenant, id)).status).toBe('validating');
    }

    const survivor = await startWorker();
    const failed = await eventually('the import to fail', async () => {
      const view = await getImportView(roster, tenant, id);
      return view.status === 'failed' ? view : undefined;
    }, 120_000, 200);
    expect(failed.error).toMatchObject({ code: 'job_crashed', message: expect.stringContaining(`${POISON_CRASHES} times`) });
    expect(await runOf('imports.validate')).toBeUndefined();
    expect(survivor.alive()).toBe(true);
  });
});
