// Export schedules on two real `roster worker` processes over real minutes (issue 21, docs/export-schedules.md#timing-once-per-tick):
// a schedule every minute runs once per tick for the whole cluster, and its incremental chain delivers
// to a real S3-compatible bucket (s3rver) with the manifest last.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';
import { eventually, type RosterProcess, sameRosterEnv, spawnRoster } from './support/roster-process.ts';

const BUCKET = 'warehouse-workers';
let s3rver: S3rver;
let s3Directory: string;
let endpoint: string;
let roster: TestRoster;
let tenant: TestTenant;
const workers: RosterProcess[] = [];

beforeAll(async () => {
  s3Directory = await mkdtemp(path.join(tmpdir(), 'roster-schedule-workers-s3-'));
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Directory, configureBuckets: [{ name: BUCKET }] });
  endpoint = `http://127.0.0.1:${(await s3rver.run()).port}`;
  // The in-process roster serves the API only; the ticks and the exports run in the two workers.
  roster = await startTestRoster({ EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS: 'true' });
  tenant = await createTestTenant(roster.ctx);
  const env = sameRosterEnv(roster, { EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS: 'true' });
  workers.push(...(await Promise.all([spawnRoster('worker', env), spawnRoster('worker', env)])));
}, 180_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  await roster?.close();
  await s3rver?.close();
  await rm(s3Directory, { recursive: true, force: true });
});

interface RunRow {
  export_id: string;
  tick_at: Date | null;
  since_seq: string | null;
  delivery: string;
  destination_prefix: string | null;
  status: string;
  as_of_seq: string | null;
  row_count: number | null;
}

async function runsOf(scheduleId: string): Promise<RunRow[]> {
  const result = await sql<RunRow>`
    SELECT r.export_id, r.tick_at, r.since_seq, r.delivery, r.destination_prefix, e.status, e.as_of_seq, e.row_count
      FROM export_schedule_runs r JOIN exports e ON e.id = r.export_id
     WHERE r.schedule_id = ${scheduleId}::uuid ORDER BY r.created_at`.execute(roster.ctx.db);
  return result.rows;
}

async function addUsers(from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const response = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: { vendor_data: `tick-user-${i}`, display_name: `Tick ${i}` } });
    expect(response.statusCode, response.body).toBe(201);
  }
}

describe('a schedule every minute on two worker processes', () => {
  it('runs once per tick, chains its incremental runs and delivers each with the manifest last', { timeout: 330_000 }, async () => {
    await addUsers(0, 5);
    const created = await roster.app.inject({
      method: 'POST',
      url: `/api/console/apps/${tenant.appId}/export-schedules`,
      headers: tenant.operators.ADMIN.auth,
      payload: {
        name: 'Every minute',
        cron: '* * * * *',
        incremental: true,
        format: 'jsonl',
        destination: { url: `s3://${BUCKET}/drop?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`, access_key_id: 'S3RVER', secret_access_key: 'S3RVER' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const scheduleId = (created.json() as { id: string }).id;

    // Users keep arriving between the ticks, so each incremental run has something to carry.
    let written = 5;
    const writer = setInterval(() => {
      void addUsers(written++, 1).catch(() => {});
    }, 7_000);
    try {
      // Three ticks: the full first run, then two incremental ones. A tick first delivers the runs that
      // ended, then starts the next, so by the third tick the first two runs are delivered.
      await eventually(
        'three runs, two of them delivered',
        async () => {
          const runs = await runsOf(scheduleId);
          return runs.length >= 3 && runs.filter((run) => run.delivery === 'delivered').length >= 2 ? true : undefined;
        },
        300_000,
        1_000,
      );
    } finally {
      clearInterval(writer);
    }
    const runs = await runsOf(scheduleId);

    // One run per tick: no tick started two exports, and every run came from a tick (no "run now" here).
    const ticks = runs.map((run) => run.tick_at!.getTime());
    expect(new Set(ticks).size).toBe(runs.length);
    for (const tick of ticks) expect(tick % 60_000).toBe(0);
    const exportsOfSchedule = await roster.ctx.db.selectFrom('exports').select('id').where('schedule_id', '=', scheduleId).execute();
    expect(exportsOfSchedule.length).toBe(runs.length);
    // Whole minutes apart: each worker saw the same schedule row, neither ran a tick the other ran.
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThanOrEqual(60_000);

    // The chain: the first run is full, each next run starts where the previous delivered run ended.
    expect(runs[0]!.since_seq).toBeNull();
    for (let i = 1; i < runs.length; i++) expect(Number(runs[i]!.since_seq)).toBe(Number(runs[i - 1]!.as_of_seq));
    const delivered = runs.filter((run) => run.delivery === 'delivered');
    const carried = delivered.reduce((sum, run) => sum + (run.row_count ?? 0), 0);
    expect(delivered[0]!.row_count).toBeGreaterThanOrEqual(5);
    // Every user the delivered runs cover appears once: the feed's seq ranges neither overlap nor skip.
    const lastAsOf = Number(delivered.at(-1)!.as_of_seq);
    const covered = await sql<{ users: number }>`
      SELECT count(DISTINCT didit_internal_id)::int AS users FROM user_changes WHERE app_id = ${tenant.appId}::uuid AND seq <= ${lastAsOf}`.execute(roster.ctx.db);
    expect(carried).toBe(covered.rows[0]!.users);

    // The bucket holds each delivered run's files, manifest.json written last (S3 keeps each object's write time).
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    try {
      for (const run of delivered) {
        // The destination URL's prefix, then the run's folder (NAME/<run time>_<export id>).
        const folder = `drop/${run.destination_prefix}/`;
        const objects = (await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: folder }))).Contents ?? [];
        const names = objects.map((object) => object.Key!.slice(folder.length));
        expect(names).toContain('manifest.json');
        expect(names.some((name) => name.endsWith('.jsonl'))).toBe(true);
        const manifestAt = objects.find((object) => object.Key!.endsWith('manifest.json'))!.LastModified!.getTime();
        for (const object of objects) expect(object.LastModified!.getTime()).toBeLessThanOrEqual(manifestAt);
      }
    } finally {
      client.destroy();
    }
    for (const worker of workers) expect(worker.alive(), worker.output()).toBe(true);
  });
});
