/**
 * Webhook delivery benchmark (issue #22, docs/webhooks.md): one `roster serve` and two `roster worker`
 * processes (bin/roster.js) on one PostgreSQL, delivering to a receiver on 127.0.0.1 in this process.
 *   1. After a warm-up import, an import of N rows into an application with no endpoint, then into one with a `per_user`
 *      endpoint: the import's time with the endpoint as a ratio to the one without (same run), every
 *      user's event delivered, and deliveries per second (first to last receipt of that backlog).
 *   2. Lag at a steady rate: user changes through the API at R per second for S seconds; the lag from
 *      the change's commit (its occurred_at) to receipt, p50 and p95.
 *
 *   npm run bench:webhooks                                                  (embedded PostgreSQL; 100,000 rows, 200/s for 20 s)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:webhooks -- --rows 2000 --seconds 3   (the CI size)
 *   options: --rows N, --rate R (changes per second), --seconds S
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { createTestTenant, type TestTenant } from '../test/harness.ts';
import { eventually, type RosterProcess, spawnRoster } from '../test/support/roster-process.ts';
import { argument, benchDatabase, dropBenchSchemas, runBench } from './bench-support.ts';
import { generateImportFile, uploadImportFile } from './import-file.ts';

const rows = argument('rows', 100_000);
const rate = argument('rate', 200);
const seconds = argument('seconds', 20);

interface Receipt {
  webhookId: string;
  receivedAt: number;
  occurredAt: number;
}

/** What the receiver saw, per path (one path per endpoint). */
const receipts = new Map<string, Receipt[]>();
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const receivedAt = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { occurred_at: string };
    const list = receipts.get(request.url ?? '') ?? [];
    list.push({ webhookId: String(request.headers['webhook-id']), receivedAt, occurredAt: Date.parse(body.occurred_at) });
    receipts.set(request.url ?? '', list);
    response.writeHead(204).end();
  });
});

const distinct = (path_: string) => new Set((receipts.get(path_) ?? []).map((receipt) => receipt.webhookId)).size;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function createEndpoint(serve: RosterProcess, tenant: TestTenant, url: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${serve.url}/api/console/apps/${tenant.appId}/webhooks`, {
    method: 'POST',
    headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ url, ...body }),
  });
  if (response.status !== 201) throw new Error(`creating an endpoint: ${response.status} ${await response.text()}`);
}

/** Upload → preview → run → completed; returns the whole time in ms. */
async function timedImport(serve: RosterProcess, tenant: TestTenant, file: string, db: ReturnType<typeof connectDatabase>['db']): Promise<number> {
  const started = performance.now();
  const { id } = await uploadImportFile(`${serve.url}/api/console/apps/${tenant.appId}/imports?file_name=${path.basename(file)}`, tenant.operators.ADMIN.auth, file);
  const status = async () => (await db.selectFrom('imports').select(['status']).where('id', '=', id).executeTakeFirstOrThrow()).status;
  await eventually('the preview', async () => ((await status()) === 'ready' ? true : undefined), 3_600_000, 50);
  const start = await fetch(`${serve.url}/api/console/apps/${tenant.appId}/imports/${id}/start`, { method: 'POST', headers: tenant.operators.ADMIN.auth });
  if (start.status !== 202) throw new Error(`start answered ${start.status}`);
  await eventually('the run', async () => {
    const now = await status();
    if (now === 'failed') throw new Error('import failed');
    return now === 'completed' ? true : undefined;
  }, 3_600_000, 50);
  return performance.now() - started;
}

/**
 * Creates users through the API at `perSecond` for `duration` seconds, without waiting for one answer
 * before the next, but with at most MAX_IN_FLIGHT unanswered (more exhausts the server's database pool
 * on a loaded machine: 503s); returns the rate achieved.
 */
const MAX_IN_FLIGHT = 32;
async function steadyChanges(serve: RosterProcess, tenant: TestTenant, perSecond: number, duration: number): Promise<number> {
  const total = perSecond * duration;
  const started = performance.now();
  const sent = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    while (sent.size >= MAX_IN_FLIGHT) await Promise.race(sent);
    const request = fetch(`${serve.url}/v3/users/create/`, { method: 'POST', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, body: JSON.stringify({ vendor_data: `steady-${i}` }) }).then(async (response) => {
        if (response.status >= 300) throw new Error(`creating a user: ${response.status} ${await response.text()}`);
      });
    sent.add(request);
    void request.then(() => sent.delete(request), () => {});
  }
  await Promise.all(sent);
  return total / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop: stopEmbedded } = await benchDatabase('webhooks');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverBase = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const env = {
    DATABASE_URL: databaseUrl,
    ROSTER_DB_SCHEMA: schema,
    ROSTER_DATA_DIR: path.join(workDir, 'data'),
    ROSTER_SECRET: randomBytes(24).toString('hex'),
    PUBLIC_URL: 'http://roster.bench',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  };
  const children: RosterProcess[] = [];
  const database = connectDatabase(databaseUrl, { schema, maxConnections: 2 });
  try {
    const serve = await spawnRoster('serve', env);
    children.push(serve);
    children.push(...(await Promise.all([spawnRoster('worker', env), spawnRoster('worker', env)])));
    const ctx = { db: database.db } as AppContext;
    console.log(`${rows.toLocaleString('en')} rows, ${rate}/s for ${seconds} s; Node ${process.version}, ${os.availableParallelism()} CPUs, PostgreSQL ${databaseUrl === process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}, load average ${os.loadavg()[0]!.toFixed(1)}\n`);

    // 1. The same import without and with a per_user endpoint.
    const file = path.join(workDir, 'users.csv');
    await generateImportFile(file, rows);
    // A warm-up import first: the workers' first import pays their start-up (validation threads, caches).
    const warmFile = path.join(workDir, 'warm-up.csv');
    await generateImportFile(warmFile, Math.min(rows, 2_000));
    await timedImport(serve, await createTestTenant(ctx, 'warm-up'), warmFile, database.db);
    const plain = await createTestTenant(ctx, 'plain');
    const plainMs = await timedImport(serve, plain, file, database.db);
    const hooked = await createTestTenant(ctx, 'hooked');
    await createEndpoint(serve, hooked, `${receiverBase}/per-user`, { events: ['user.created'], import_events: 'per_user' });
    const hookedStarted = performance.now();
    const hookedMs = await timedImport(serve, hooked, file, database.db);
    const created = Number((await database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('app_id', '=', hooked.appId).executeTakeFirstOrThrow()).n);
    await eventually(`${created} events delivered`, async () => (distinct('/per-user') >= created ? true : undefined), 3_600_000, 100);
    const backlog = receipts.get('/per-user')!;
    const deliveriesPerSecond = backlog.length / Math.max(0.001, (backlog.at(-1)!.receivedAt - backlog[0]!.receivedAt) / 1000);
    const allDeliveredS = (performance.now() - hookedStarted) / 1000;

    // 2. Lag at a steady rate.
    const steady = await createTestTenant(ctx, 'steady');
    await createEndpoint(serve, steady, `${receiverBase}/steady`, { events: ['user.created'] });
    const achieved = await steadyChanges(serve, steady, rate, seconds);
    await eventually('the steady changes delivered', async () => (distinct('/steady') >= rate * seconds ? true : undefined), 600_000, 100);
    const lags = receipts.get('/steady')!.map((receipt) => receipt.receivedAt - receipt.occurredAt).sort((a, b) => a - b);

    console.log('| measure | value | target |\n|---|---:|---:|');
    console.log(`| import of ${rows.toLocaleString('en')} rows, no endpoint | ${(plainMs / 1000).toFixed(1)} s | |`);
    console.log(`| same import, one per_user endpoint | ${(hookedMs / 1000).toFixed(1)} s (${(hookedMs / plainMs).toFixed(2)}× no endpoint) | ≤ 1.1× |`);
    console.log(`| its events delivered (distinct webhook-ids / users) | ${distinct('/per-user')} / ${created}, ${backlog.length} requests | all |`);
    console.log(`| deliveries per second, 2 workers (first to last receipt) | ${deliveriesPerSecond.toFixed(0)} /s | |`);
    console.log(`| import start → last event received | ${allDeliveredS.toFixed(1)} s | |`);
    console.log(`| steady changes sent | ${(rate * seconds).toLocaleString('en')} at ${achieved.toFixed(0)}/s | ${rate}/s |`);
    console.log(`| lag commit → receipt, p50 / p95 / max | ${percentile(lags, 50)} / ${percentile(lags, 95)} / ${lags.at(-1)} ms | p95 ≤ 1,000 ms |`);
    console.log(`\n${new Date().toISOString()}, load average after: ${os.loadavg()[0]!.toFixed(1)}`);
  } finally {
    for (const child of children) if (child.alive()) child.child.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await database.close();
    receiver.close();
    await dropBenchSchemas(databaseUrl, schema);
    await stopEmbedded();
    rmSync(workDir, { recursive: true, force: true });
  }
}

runBench(main);
