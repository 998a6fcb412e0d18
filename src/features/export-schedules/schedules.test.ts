// Export schedules (docs/export-schedules.md): validation, roles and tenants, once per tick
// across processes, delivery to a real S3-compatible bucket (s3rver), a refusing destination.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { closeContext, createContext } from '../../context.ts';
import { connectDatabase } from '../../db/database.ts';
import { waitForExport } from '../../../test/support/exports.ts';
import { finishScheduledRuns } from './schedule-delivery.ts';
import { startDueRuns } from './schedules.job.ts';
import { allJobs } from '../index.ts';

const BUCKET = 'warehouse-drop';
let s3rver: S3rver;
let s3Directory: string;
let endpoint: string;
let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;

beforeAll(async () => {
  s3Directory = await mkdtemp(path.join(tmpdir(), 'roster-schedules-s3-'));
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Directory, configureBuckets: [{ name: BUCKET }] });
  endpoint = `http://127.0.0.1:${(await s3rver.run()).port}`;
  roster = await startTestRoster({ EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS: 'true' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
  await sql`INSERT INTO users (app_id, vendor_data, full_name) SELECT ${tenant.appId}::uuid, 'sched-' || g, 'Name ' || g FROM generate_series(1, 25) g`.execute(roster.ctx.db);
}, 120_000);

afterAll(async () => {
  await roster?.close();
  await s3rver?.close();
  await rm(s3Directory, { recursive: true, force: true });
});

const url = (appId: string, suffix = '') => `/api/console/apps/${appId}/export-schedules${suffix}`;
const destinationUrl = (bucket = BUCKET, prefix = 'roster/daily') => `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`;

async function create(body: Record<string, unknown>, auth = tenant.operators.ADMIN.auth, appId = tenant.appId) {
  return roster.app.inject({ method: 'POST', url: url(appId), headers: auth, payload: body });
}

async function bucketKeys(prefix: string): Promise<string[]> {
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    return ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((object) => object.Key!);
  } finally {
    client.destroy();
  }
}

describe('export schedules', () => {
  it('are created with a plain preview of the next runs, and never show the destination secret', async () => {
    const response = await create({
      name: 'Nightly warehouse',
      cron: '30 2 * * *',
      timezone: 'Europe/Berlin',
      destination: { url: destinationUrl(), access_key_id: 'S3RVER', secret_access_key: 'S3RVER' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const schedule = response.json();
    expect(schedule.destination).toEqual({ url: destinationUrl(), access_key_id: 'S3RVER', secret_set: true, secret_readable: true });
    expect(response.body).not.toContain('secret_access_key');
    expect(schedule.next_runs).toHaveLength(3);
    // 02:30 in Berlin is 01:30 UTC in winter.
    expect(schedule.next_runs[0]).toMatch(/T01:30:00\.000Z$/);
    const stored = await roster.ctx.db.selectFrom('export_schedules').select('destination_secret_sealed').where('id', '=', schedule.id).executeTakeFirstOrThrow();
    expect(stored.destination_secret_sealed).not.toContain('S3RVER');
    const audit = await roster.ctx.db.selectFrom('audit_logs').select('details').where('action', '=', 'export_schedule.created').where('target_id', '=', schedule.id).executeTakeFirst();
    expect(JSON.stringify(audit?.details)).not.toContain('S3RVER?');
  });

  it('refuse bad input with a stable code and change nothing', async () => {
    const before = await roster.ctx.db.selectFrom('export_schedules').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ name: 'four fields', cron: '* * * *' }, 422, 'invalid_cron'],
      [{ name: 'six fields', cron: '0 * * * * *' }, 422, 'invalid_cron'],
      [{ name: 'bad minute', cron: '61 * * * *' }, 422, 'invalid_cron'],
      [{ name: 'mars', cron: '0 * * * *', timezone: 'Mars/Olympus' }, 422, 'invalid_timezone'],
      [{ name: 'no secret', cron: '0 * * * *', destination: { url: destinationUrl(), access_key_id: 'x' } }, 422, 'invalid_destination'],
      [{ name: 'ftp', cron: '0 * * * *', destination: { url: 'ftp://bucket/x', access_key_id: 'x', secret_access_key: 'y' } }, 422, 'invalid_destination'],
      [{ name: 'filter', cron: '0 * * * *', filters: { updated_after: '2026-01-01' } }, 422, 'unknown_filter'],
      [{ name: 'Nightly warehouse', cron: '0 * * * *' }, 409, 'schedule_name_taken'],
    ];
    for (const [body, status, code] of cases) {
      const response = await create(body);
      expect(response.statusCode, `${JSON.stringify(body)}: ${response.body}`).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect((await create({ name: 'personal', cron: '0 * * * *', columns: ['vendor_data', 'email'] }, tenant.operators.READER.auth)).statusCode).toBe(403);
    const after = await roster.ctx.db.selectFrom('export_schedules').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuse a destination on a private address unless the operator allowed private networks', async () => {
    const strict = await startTestRoster();
    try {
      const strictTenant = await createTestTenant(strict.ctx);
      for (const host of ['127.0.0.1:9000', '10.0.0.1', '169.254.169.254', '[::1]:9000', 'localhost:9000']) {
        const response = await strict.app.inject({
          method: 'POST',
          url: url(strictTenant.appId),
          headers: strictTenant.operators.ADMIN.auth,
          payload: { name: `to ${host}`, cron: '0 * * * *', destination: { url: `s3://bucket/p?endpoint=${encodeURIComponent(`http://${host}`)}`, access_key_id: 'a', secret_access_key: 'b' } },
        });
        expect(response.statusCode, `${host}: ${response.body}`).toBe(422);
        expect(response.json().error.code).toBe('forbidden_destination');
      }
    } finally {
      await strict.close();
    }
  });

  it('keep tenants apart', async () => {
    const list = await roster.app.inject({ method: 'GET', url: url(tenant.appId), headers: tenant.operators.ADMIN.auth });
    const id = list.json().results[0].id as string;
    expect((await roster.app.inject({ method: 'GET', url: url(tenant.appId, `/${id}`), headers: outsider.operators.OWNER.auth })).statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'GET', url: url(outsider.appId, `/${id}`), headers: outsider.operators.OWNER.auth })).statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'DELETE', url: url(outsider.appId, `/${id}`), headers: outsider.operators.OWNER.auth })).statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'POST', url: url(outsider.appId, `/${id}/run`), headers: outsider.operators.OWNER.auth })).statusCode).toBe(404);
  });

  it('run a tick once when two processes reach it together', async () => {
    const response = await create({ name: 'Every minute', cron: '* * * * *' });
    const id = response.json().id as string;
    const tick = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    await roster.ctx.db.updateTable('export_schedules').set({ next_run_at: tick }).where('id', '=', id).execute();
    // A second process: its own pool and context on the same database.
    const second = await createContext(roster.config, connectDatabase(roster.databaseUrl, { schema: roster.schema, maxConnections: 4 }), { schema: roster.schema });
    await second.jobs.start(allJobs);
    try {
      const [first, other] = await Promise.all([startDueRuns(roster.ctx), startDueRuns(second)]);
      const runs = await roster.ctx.db.selectFrom('export_schedule_runs').selectAll().where('schedule_id', '=', id).execute();
      expect(runs).toHaveLength(1);
      expect([...first, ...other]).toEqual([runs[0]!.export_id]);
      // A process that saw the same tick late (its claim rolled back) starts nothing more.
      await roster.ctx.db.updateTable('export_schedules').set({ next_run_at: tick }).where('id', '=', id).execute();
      expect(await startDueRuns(second)).toEqual([]);
      expect(await roster.ctx.db.selectFrom('export_schedule_runs').selectAll().where('schedule_id', '=', id).execute()).toHaveLength(1);
    } finally {
      await closeContext(second);
    }
  });

  it('write each run to the bucket under NAME/<time>_<export id>/ and record it as delivered', async () => {
    const list = await roster.app.inject({ method: 'GET', url: url(tenant.appId), headers: tenant.operators.ADMIN.auth });
    const schedule = (list.json().results as { id: string; name: string }[]).find((entry) => entry.name === 'Nightly warehouse')!;
    const tested = await roster.app.inject({ method: 'POST', url: url(tenant.appId, `/${schedule.id}/test-destination`), headers: tenant.operators.ADMIN.auth });
    expect(tested.json()).toMatchObject({ ok: true, error: null });
    expect(await bucketKeys(`roster/daily/${tested.json().key}`)).toHaveLength(1);

    const run = await roster.app.inject({ method: 'POST', url: url(tenant.appId, `/${schedule.id}/run`), headers: tenant.operators.ADMIN.auth });
    expect(run.statusCode, run.body).toBe(202);
    expect(run.json().schedule_id).toBe(schedule.id);
    const done = await waitForExport(roster, tenant.operators.ADMIN.auth, tenant.appId, run.json().id);
    expect(done.status).toBe('completed');
    await finishScheduledRuns(roster.ctx);
    const runs = (await roster.app.inject({ method: 'GET', url: url(tenant.appId, `/${schedule.id}/runs`), headers: tenant.operators.ADMIN.auth })).json().results;
    expect(runs[0]).toMatchObject({ export_id: run.json().id, delivery: 'delivered', export_status: 'completed', row_count: 25, error: null });
    const keys = await bucketKeys(`roster/daily/Nightly-warehouse/`);
    const runKeys = keys.filter((key) => key.includes(run.json().id));
    expect(runKeys.length).toBeGreaterThan(0);
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    try {
      const csvKey = runKeys.find((key) => key.endsWith('.csv'))!;
      const body = await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: csvKey }))).Body!.transformToString();
      expect(body.trim().split('\n')).toHaveLength(26);
    } finally {
      client.destroy();
    }
  });

  it('mail the creator when the destination refuses the files, and say why on the run', async () => {
    const response = await create({ name: 'Missing bucket', cron: '0 3 * * *', destination: { url: destinationUrl('no-such-bucket', 'x'), access_key_id: 'S3RVER', secret_access_key: 'S3RVER' } });
    const id = response.json().id as string;
    const tested = await roster.app.inject({ method: 'POST', url: url(tenant.appId, `/${id}/test-destination`), headers: tenant.operators.ADMIN.auth });
    expect(tested.json().ok).toBe(false);
    expect(tested.json().error).toMatch(/NoSuchBucket|bucket/i);
    const run = await roster.app.inject({ method: 'POST', url: url(tenant.appId, `/${id}/run`), headers: tenant.operators.ADMIN.auth });
    await waitForExport(roster, tenant.operators.ADMIN.auth, tenant.appId, run.json().id);
    await finishScheduledRuns(roster.ctx);
    const runs = (await roster.app.inject({ method: 'GET', url: url(tenant.appId, `/${id}/runs`), headers: tenant.operators.ADMIN.auth })).json().results;
    expect(runs[0]).toMatchObject({ delivery: 'failed' });
    expect(runs[0].error).toMatch(/NoSuchBucket|bucket/i);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select('details').where('action', '=', 'export_schedule.delivery_failed').where('target_id', '=', id).execute();
    expect(audit).toHaveLength(1);
  });

  it('chain incremental runs so that a failed delivery in the middle misses and repeats nothing', async () => {
    const created = await create({ name: 'Chain', cron: '0 4 * * *', incremental: true, format: 'jsonl', destination: { url: destinationUrl(BUCKET, 'chain'), access_key_id: 'S3RVER', secret_access_key: 'S3RVER' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const runOnce = async () => {
      const run = await roster.app.inject({ method: 'POST', url: url(tenant.appId, `/${id}/run`), headers: tenant.operators.ADMIN.auth });
      expect(run.statusCode, run.body).toBe(202);
      const done = await waitForExport(roster, tenant.operators.ADMIN.auth, tenant.appId, run.json().id);
      expect(done.status).toBe('completed');
      await finishScheduledRuns(roster.ctx);
      return done as typeof done & { as_of_seq: number; since_seq: number | null };
    };
    const patchUser = (vendor: string, name: string) => roster.app.inject({ method: 'PATCH', url: `/v3/users/${vendor}/`, headers: tenant.keyAuth, payload: { display_name: name } });

    const first = await runOnce();
    expect(first.since_seq).toBeNull();
    expect((await patchUser('sched-1', 'during the failed run')).statusCode).toBe(200);
    // The destination breaks: this run's export completes, its delivery fails.
    await roster.app.inject({ method: 'PATCH', url: url(tenant.appId, `/${id}`), headers: tenant.operators.ADMIN.auth, payload: { destination: { url: destinationUrl('missing-bucket', 'chain'), access_key_id: 'S3RVER' } } });
    const failed = await runOnce();
    expect(failed.since_seq).toBe(first.as_of_seq);
    expect((await patchUser('sched-2', 'after the failed run')).statusCode).toBe(200);
    await roster.app.inject({ method: 'PATCH', url: url(tenant.appId, `/${id}`), headers: tenant.operators.ADMIN.auth, payload: { destination: { url: destinationUrl(BUCKET, 'chain'), access_key_id: 'S3RVER' } } });
    const third = await runOnce();
    // It starts where the last delivered run ended, so it holds both changes.
    expect(third.since_seq).toBe(first.as_of_seq);
    const runs = (await roster.app.inject({ method: 'GET', url: url(tenant.appId, `/${id}/runs`), headers: tenant.operators.ADMIN.auth })).json().results;
    expect(runs.map((run: { delivery: string }) => run.delivery)).toEqual(['delivered', 'failed', 'delivered']);
    const keys = await bucketKeys(`chain/Chain/`);
    const thirdKeys = keys.filter((key) => key.includes(third.id));
    expect(thirdKeys.some((key) => key.endsWith('manifest.json'))).toBe(true);
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    try {
      const dataKey = thirdKeys.find((key) => !key.endsWith('manifest.json'))!;
      const lines = (await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: dataKey }))).Body!.transformToString()).trim().split('\n');
      const vendors = lines.map((line) => (JSON.parse(line) as { vendor_data: string }).vendor_data).sort();
      expect(vendors).toEqual(['sched-1', 'sched-2']);
    } finally {
      client.destroy();
    }
  });
});
