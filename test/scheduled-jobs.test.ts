import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsSweep } from '../src/features/index.ts';
import { startTestRoster, type TestRoster } from './harness.ts';
import { eventually, type RosterProcess, spawnRoster } from './support/roster-process.ts';

// Two real `roster worker` processes (each running pg-boss's cron pass) on one database: a schedule
// fires once per tick for the whole cluster, not once per process.
let roster: TestRoster;
const workers: RosterProcess[] = [];
let boss: PgBoss;

beforeAll(async () => {
  roster = await startTestRoster();
  const env = {
    DATABASE_URL: roster.databaseUrl,
    ROSTER_DB_SCHEMA: roster.schema,
    ROSTER_DATA_DIR: roster.dataDir,
    ROSTER_SECRET: roster.config.ROSTER_SECRET,
  };
  workers.push(...(await Promise.all([spawnRoster('worker', env), spawnRoster('worker', env)])));
  boss = new PgBoss({ connectionString: roster.databaseUrl, schema: `${roster.schema}_jobs`, supervise: false, schedule: false, migrate: false });
  await boss.start();
}, 180_000);
afterAll(async () => {
  for (const worker of workers) if (worker.alive()) worker.child.kill('SIGKILL');
  await boss?.stop({ graceful: false }).catch(() => {});
  await roster?.close();
});

describe('scheduled jobs', () => {
  it('fire once per tick cluster-wide with two worker processes', { timeout: 240_000 }, async () => {
    // The workers registered the operations sweep (every 5 minutes); tick every minute instead (the same schedule row they
    // both read), so the test sees two ticks in about two minutes rather than ten.
    const name = operationsSweep.name;
    await boss.schedule(name, '* * * * *', {}, { tz: 'UTC' });
    const scheduledAt = Date.now();
    const jobs = () => boss.findJobs(name, { limit: 100 });
    await eventually('two ticks to have run', async () => ((await jobs()).filter((job) => job.state === 'completed').length >= 2 ? true : undefined), 200_000, 1_000);

    // pg-boss's cron pass files each tick under its minute (the slot) before forwarding it to the queue.
    const slotsOfTicks = async () =>
      (await boss.findJobs('__pgboss__send-it', { limit: 100 })).filter((job) => (job.data as { name?: string }).name === name).map((job) => (job.data as { slot: string }).slot);
    // Both sides read between two reads of the ticks that agree (a tick landing meanwhile would skew
    // them), once every filed tick has reached the queue.
    const { slots, all } = await eventually('a quiet moment between ticks', async () => {
      const before = await slotsOfTicks();
      const current = await jobs();
      return (await slotsOfTicks()).length === before.length && current.length >= before.length ? { slots: before, all: current } : undefined;
    }, 30_000, 200);
    // One job per tick, however many processes ran the cron pass, each handled once by one worker.
    expect(new Set(slots).size).toBe(slots.length);
    expect(all.length).toBe(slots.length);
    expect(all.length).toBeLessThanOrEqual(Math.ceil((Date.now() - scheduledAt) / 60_000) + 1);
    for (const job of all.filter((candidate) => candidate.state !== 'created' && candidate.state !== 'active')) {
      expect(job.state).toBe('completed');
      expect(job.retryCount).toBe(0);
    }
    for (const worker of workers) expect(worker.alive()).toBe(true);
  });
});
