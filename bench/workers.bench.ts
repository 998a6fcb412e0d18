/**
 * Worker scaling benchmark (issue #10, docs/scaling.md): the same imports through one `roster serve` and
 * 1, then 2, `roster worker` processes on one PostgreSQL, as separate processes (bin/roster.js, dist/
 * when built). Two shapes: one import of N rows, and two imports of N/2 rows uploaded at once. Prints
 * upload → completed for each, and the 2-worker time as a ratio to the 1-worker time of the same shape
 * in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:workers              (1,000,000 rows)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:workers -- 20000      (the CI size)
 *
 * It needs a PostgreSQL server it may create a database on (DATABASE_URL's server; the database is
 * created and dropped here). The processes share a local storage folder, as on one machine.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AppContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { createTestTenant, type TestTenant } from '../test/harness.ts';
import { eventually, type RosterProcess, spawnRoster } from '../test/support/roster-process.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('bench:workers needs DATABASE_URL (a server it may create a database on)');
  process.exit(2);
}

async function writeCsv(file: string, count: number, label: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('vendor_data,display_name,email,country,tags\n');
  for (let i = 0; i < count; i++) {
    if (!out.write(`${label}-${i},Name ${i},${label}${i}@example.com,FRA,bench\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function timedImport(serve: RosterProcess, tenant: TestTenant, file: string, db: ReturnType<typeof connectDatabase>['db']): Promise<{ previewMs: number; totalMs: number }> {
  const started = performance.now();
  const headers = { ...tenant.operators.ADMIN.auth, 'content-type': 'text/csv', 'content-length': String(statSync(file).size) };
  const upload = await fetch(`${serve.url}/api/console/apps/${tenant.appId}/imports`, { method: 'POST', headers, body: Readable.toWeb(createReadStream(file)) as ReadableStream, duplex: 'half' } as RequestInit);
  if (upload.status !== 201) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
  const { id } = (await upload.json()) as { id: string };
  const status = async () => (await db.selectFrom('imports').select(['status']).where('id', '=', id).executeTakeFirstOrThrow()).status;
  await eventually('the preview', async () => ((await status()) === 'ready' ? true : undefined), 3_600_000, 50);
  const previewMs = performance.now() - started;
  const start = await fetch(`${serve.url}/api/console/apps/${tenant.appId}/imports/${id}/start`, { method: 'POST', headers: tenant.operators.ADMIN.auth });
  if (start.status !== 202) throw new Error(`start answered ${start.status}`);
  await eventually('the run', async () => {
    const now = await status();
    if (now === 'failed') throw new Error('import failed');
    return now === 'completed' ? true : undefined;
  }, 3_600_000, 50);
  return { previewMs, totalMs: performance.now() - started };
}

/** A fresh database per worker count, so the second phase does not read a table the first one filled. */
async function phase(workers: number, admin: pg.Client): Promise<{ shape: string; workers: number; ms: number; previewMs: number }[]> {
  const databaseName = `roster_workers_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${databaseName}`);
  const url = new URL(serverUrl!);
  url.pathname = `/${databaseName}`;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'roster-workers-bench-'));
  const children: RosterProcess[] = [];
  const database = connectDatabase(url.toString(), { maxConnections: 2 });
  try {
    const env = { DATABASE_URL: url.toString(), ROSTER_DATA_DIR: folder, ROSTER_SECRET: 'workers-bench-secret-0123456789abcdef', PUBLIC_URL: 'http://roster.bench', LOG_LEVEL: 'warn' };
    const serve = await spawnRoster('serve', env);
    children.push(serve);
    for (let i = 0; i < workers; i++) children.push(await spawnRoster('worker', env));
    const tenant = await createTestTenant({ db: database.db } as AppContext, 'bench');
    const whole = path.join(folder, 'whole.csv');
    await writeCsv(whole, rows, 'whole');
    const one = await timedImport(serve, tenant, whole, database.db);
    const halves = [path.join(folder, 'a.csv'), path.join(folder, 'b.csv')];
    await Promise.all(halves.map((file, index) => writeCsv(file, rows / 2, `half${index}`)));
    const pairStarted = performance.now();
    const pair = await Promise.all(halves.map((file) => timedImport(serve, tenant, file, database.db)));
    return [
      { shape: `one import of ${rows.toLocaleString('en')} rows`, workers, ms: one.totalMs, previewMs: one.previewMs },
      { shape: `two imports of ${(rows / 2).toLocaleString('en')} rows at once (after it)`, workers, ms: performance.now() - pairStarted, previewMs: Math.max(...pair.map((item) => item.previewMs)) },
    ];
  } finally {
    for (const child of children) if (child.alive()) child.child.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch(() => {});
    rmSync(folder, { recursive: true, force: true });
  }
}

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
try {
  console.log(`${rows.toLocaleString('en')} rows; Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}\n`);
  const results = [...(await phase(1, admin)), ...(await phase(2, admin))];
  console.log('| shape | workers | upload → completed | of which preview | vs 1 worker |\n|---|---:|---:|---:|---:|');
  for (const result of results) {
    const single = results.find((other) => other.shape === result.shape && other.workers === 1)!;
    console.log(`| ${result.shape} | ${result.workers} | ${(result.ms / 1000).toFixed(1)} s | ${(result.previewMs / 1000).toFixed(1)} s | ${(result.ms / single.ms).toFixed(2)}× |`);
  }
  console.log(`\n${new Date().toISOString()}, load average after: ${os.loadavg()[0]!.toFixed(1)}`);
} finally {
  await admin.end();
}
