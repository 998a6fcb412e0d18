import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { createTestTenant, type TestTenant } from './harness.ts';
import { startTestCluster, systemPostgresAvailable, type TestCluster } from './support/pg-cluster.ts';
import { eventually, type RosterProcess, spawnRoster } from './support/roster-process.ts';

// A real PostgreSQL cluster this file owns, crashed (immediate stop) in the middle of an import.
let cluster: TestCluster;
let roster: RosterProcess;
let database: DatabaseHandle;
let tenant: TestTenant;
const total = 40_000;
const invalid = (i: number) => i % 97 === 5;

beforeAll(async () => {
  cluster = await startTestCluster();
  roster = await spawnRoster('start', {
    DATABASE_URL: cluster.url,
    ROSTER_DATA_DIR: (await import('node:fs')).mkdtempSync('/tmp/roster-outage-'),
    ROSTER_SECRET: 'outage-test-secret-0123456789',
    ROSTER_IMPORT_CHUNK_ROWS: '500',
  });
  database = connectDatabase(cluster.url, { maxConnections: 2 });
  tenant = await createTestTenant({ db: database.db } as AppContext);
}, 180_000);

afterAll(async () => {
  if (roster?.alive()) roster.child.kill('SIGKILL');
  await database?.close();
  await cluster?.destroy();
});

const consoleApi = (path: string, init: RequestInit = {}) =>
  fetch(`${roster.url}/api/console/apps/${tenant.appId}${path}`, { ...init, headers: { ...tenant.operators.ADMIN.auth, ...(init.headers as Record<string, string>) } });

describe.skipIf(!systemPostgresAvailable())('PostgreSQL crashing in the middle of an import', () => {
  it('answers 503 while it is away, serves again once it is back, and the import completes with exact counts', { timeout: 240_000 }, async () => {
    const lines = ['vendor_data,display_name,email', ...Array.from({ length: total }, (_, i) => `outage-${i},Name ${i},${invalid(i) ? 'not-an-email' : `u${i}@example.com`}`)];
    const upload = await consoleApi('/imports', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `${lines.join('\n')}\n` });
    expect(upload.status).toBe(201);
    const importId = ((await upload.json()) as { id: string }).id;
    await eventually('the preview', async () => ((await (await consoleApi(`/imports/${importId}`)).json()) as { status: string }).status === 'ready' || undefined);
    expect((await consoleApi(`/imports/${importId}/start`, { method: 'POST' })).status).toBe(202);

    const importRow = () => database.db.selectFrom('imports').select(['status', 'processed_rows', 'created', 'skipped', 'updated']).where('id', '=', importId).executeTakeFirstOrThrow();
    const atCrash = await eventually('the run to apply its first chunks', async () => {
      const row = await importRow();
      return row.processed_rows > 0 ? row : undefined;
    }, 60_000, 5);
    await cluster.crash();
    expect(atCrash.processed_rows).toBeLessThan(total);

    // While the database is away: the process answers, /readyz and database-bound requests say 503.
    expect((await fetch(`${roster.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${roster.url}/readyz`)).status).toBe(503);
    const during = await fetch(`${roster.url}/v3/users/outage-1/`, { headers: tenant.keyAuth });
    expect(during.status).toBe(503);
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    const listDuring = await consoleApi('/imports');
    expect(listDuring.status).toBe(503);

    await cluster.start();
    // Serving again is checked here; how soon (the 10 s promise, ≤ 2 s measured) is a figure, printed by the
    // chaos suite's recovery table (docs/scaling.md), since timing is no test (docs/testing.md).
    await eventually('/readyz to answer 200', async () => ((await fetch(`${roster.url}/readyz`)).status === 200 ? true : undefined), 60_000, 50);
    const user = await eventually('a users-API read to succeed', async () => {
      const response = await fetch(`${roster.url}/v3/users/outage-1/`, { headers: tenant.keyAuth });
      return response.status === 200 || response.status === 404 ? response.status : undefined;
    }, 60_000, 50);
    expect(user).toBeDefined();

    const done = await eventually('the import to complete', async () => {
      const row = await importRow();
      if (row.status === 'failed' || row.status === 'cancelled') throw new Error(`import ended ${row.status}`);
      return row.status === 'completed' ? row : undefined;
    }, 120_000, 200);
    const invalidRows = Array.from({ length: total }, (_, i) => i).filter(invalid).length;
    expect(done).toMatchObject({ processed_rows: total, created: total - invalidRows, skipped: invalidRows, updated: 0 });
    const users = await database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count')).where('app_id', '=', tenant.appId).executeTakeFirstOrThrow();
    expect(Number(users.count)).toBe(total - invalidRows);
    const completedEntries = await database.db.selectFrom('audit_logs').select('id').where('action', '=', 'import.completed').where('target_id', '=', importId).execute();
    expect(completedEntries).toHaveLength(1);
    // Crash recovery emptied the unlogged staging table: the run staged the file again instead of failing.
    const rebuilt = roster.output().split('\n').find((line) => line.includes('staged rows were lost'));
    // A JSON log line, like the request logs, naming the job it came from.
    expect(JSON.parse(rebuilt!)).toMatchObject({ level: 40, queue: 'imports.run', jobId: expect.any(String) });
    expect(roster.alive()).toBe(true);
    expect(roster.output()).not.toMatch(/Unhandled 'error' event|unhandled rejection|uncaught exception/i);
  });
});
