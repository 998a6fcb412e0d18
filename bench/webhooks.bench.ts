/**
 * Webhook delivery benchmark (issue #22, docs/webhooks.md): one `roster serve` and two `roster worker`
 * processes (bin/roster.js) on one PostgreSQL, delivering to a receiver on 127.0.0.1 in a process of its
 * own (bench/webhook-receiver.ts).
 *   1. After a warm-up import, an import of N rows into an application with no endpoint, then into one with a `per_user`
 *      endpoint: the import's time with the endpoint as a ratio to the one without (same run), every
 *      user's event delivered, and deliveries per second (first to last receipt of that backlog).
 *   2. Lag at a steady rate: user creations through the API at R per second for S seconds; the lag from
 *      the change's commit (its occurred_at) to receipt, p50 and p95.
 *   3. The same with changes written straight through the feed's writer, over 200 users (the API may
 *      not take R writes a second on a loaded machine; the deliverer's lag at R is what is asked).
 * Every request's signature is checked with `standardwebhooks`, and each user's events must arrive in seq order.
 * With `--baseline DIR` (another checkout, e.g. `git worktree add /tmp/base <commit>` with node_modules)
 * the same measures run first with that checkout's processes, then with this one's, in the same run,
 * and the table gives both and their ratio.
 *
 *   npm run bench:webhooks                                                  (embedded PostgreSQL; 100,000 rows, 200/s for 20 s)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:webhooks -- --rows 2000 --seconds 3   (the CI size)
 *   options: --rows N, --rate R (changes per second), --seconds S, --servers N (API processes the steady
 *   client spreads over, default 1), --skip-import, --baseline DIR
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { publishUserChanges } from '../src/features/users/index.ts';
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

const servers = argument('servers', 1);
const skipImport = process.argv.includes('--skip-import');
const baselineIndex = process.argv.indexOf('--baseline');
const baseline = baselineIndex >= 0 ? path.resolve(process.argv[baselineIndex + 1] ?? '') : undefined;

/** The receiver process and its answers. */
interface Receiver {
  base: string;
  count(path_: string): Promise<number>;
  /** Requests, bad signatures, events after a later one of their user. */
  checks(path_: string): Promise<{ requests: number; badSignatures: number; outOfOrder: number }>;
  trust(path_: string, secret: string): Promise<void>;
  receipts(path_: string): Promise<Receipt[]>;
  stop(): void;
}

async function startReceiver(): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'webhook-receiver.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const ask = async <T>(what: string, path_: string) => (await (await fetch(`${base}/${what}?path=${encodeURIComponent(path_)}`)).json()) as T;
  return {
    base,
    count: async (path_) => (await ask<{ count: number }>('count', path_)).count,
    checks: (path_) => ask('count', path_),
    trust: async (path_, secret) => void (await fetch(`${base}/secret?path=${encodeURIComponent(path_)}`, { method: 'PUT', body: secret })),
    receipts: (path_) => ask<Receipt[]>('receipts', path_),
    stop: () => child.kill('SIGKILL'),
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Creates an endpoint and hands its secret to the receiver, which checks every signature with it. */
async function createEndpoint(serve: RosterProcess, tenant: TestTenant, receiver: Receiver, path_: string, body: Record<string, unknown>): Promise<void> {
  const url = `${receiver.base}${path_}`;
  const response = await fetch(`${serve.url}/api/console/apps/${tenant.appId}/webhooks`, {
    method: 'POST',
    headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ url, ...body }),
  });
  if (response.status !== 201) throw new Error(`creating an endpoint: ${response.status} ${await response.text()}`);
  await receiver.trust(path_, ((await response.json()) as { secret: string }).secret);
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
 * Calls `write(i)` `perSecond` times a second for `duration` seconds, without waiting for one to end
 * before the next, but with at most MAX_IN_FLIGHT unfinished (more exhausts the server's database pool
 * on a loaded machine: 503s); returns the rate achieved.
 */
const MAX_IN_FLIGHT = 32;
async function paced(perSecond: number, duration: number, write: (i: number) => Promise<void>): Promise<number> {
  const total = perSecond * duration;
  const started = performance.now();
  const sent = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    while (sent.size >= MAX_IN_FLIGHT) await Promise.race(sent);
    const one = write(i);
    sent.add(one);
    void one.then(() => sent.delete(one), () => {});
  }
  await Promise.all(sent);
  return total / ((performance.now() - started) / 1000);
}

/** Creates users through the API (spread over the `serves`). */
const steadyChanges = (serves: RosterProcess[], tenant: TestTenant, perSecond: number, duration: number) =>
  paced(perSecond, duration, async (i) => {
    const response = await fetch(`${serves[i % serves.length]!.url}/v3/users/create/`, { method: 'POST', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, body: JSON.stringify({ vendor_data: `steady-${i}` }) });
    if (response.status >= 300) throw new Error(`creating a user: ${response.status} ${await response.text()}`);
  });

/**
 * Writes changes straight through the change feed's writer (publishUserChanges, what every user write
 * calls in its transaction), each in a transaction of its own, cycling over USERS users so each user has
 * a chain of events whose order counts: the deliverer's lag at the asked rate even when the API cannot
 * take that many writes (a loaded machine).
 */
const USERS = 200;
function steadyFeedWrites(db: ReturnType<typeof connectDatabase>['db'], appId: string, perSecond: number, duration: number): Promise<number> {
  const users = Array.from({ length: USERS }, () => randomUUID());
  return paced(perSecond, duration, (i) =>
    publishUserChanges(db, appId, [
      { type: 'user.updated', didit_internal_id: users[i % USERS]!, vendor_data: `feed-${i % USERS}`, changes: { tags: { from: [], to: [`n${i}`] } }, actor: { type: 'system', id: null }, source: { kind: 'api', id: null } },
    ]),
  );
}

interface Figures {
  label: string;
  plainMs?: number;
  hookedMs?: number;
  delivered?: number;
  created?: number;
  requests?: number;
  deliveriesPerSecond?: number;
  allDeliveredS?: number;
  achieved: number;
  lags: number[];
  feedAchieved: number;
  feedLags: number[];
  /** Both endpoints' requests whose signature `standardwebhooks` refused, and events that came after a later one of their user. */
  badSignatures: number;
  outOfOrder: number;
  loadBefore: number;
  loadAfter: number;
}

/** Every measure, with the roster processes of the checkout at `root`, on a schema of its own. */
async function measure(label: string, root: string | undefined, databaseUrl: string, workDir: string, receiver: Receiver): Promise<Figures> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const env = {
    DATABASE_URL: databaseUrl,
    ROSTER_DB_SCHEMA: schema,
    ROSTER_DATA_DIR: path.join(workDir, `data-${label}`),
    ROSTER_SECRET: randomBytes(24).toString('hex'),
    PUBLIC_URL: 'http://roster.bench',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  };
  const children: RosterProcess[] = [];
  const database = connectDatabase(databaseUrl, { schema, maxConnections: 8 });
  const loadBefore = os.loadavg()[0]!;
  try {
    const serve = await spawnRoster('serve', env, undefined, root);
    children.push(serve);
    const serves = [serve, ...(await Promise.all(Array.from({ length: servers - 1 }, () => spawnRoster('serve', env, undefined, root))))];
    children.push(...serves.slice(1));
    children.push(...(await Promise.all([spawnRoster('worker', env, undefined, root), spawnRoster('worker', env, undefined, root)])));
    const ctx = { db: database.db } as AppContext;
    const figures: Figures = { label, achieved: 0, lags: [], feedAchieved: 0, feedLags: [], badSignatures: 0, outOfOrder: 0, loadBefore, loadAfter: 0 };

    // 1. The same import without and with a per_user endpoint.
    if (!skipImport) {
      const file = path.join(workDir, 'users.csv');
      if (!existsSync(file)) await generateImportFile(file, rows);
      // A warm-up import first: the workers' first import pays their start-up (validation threads, caches).
      const warmFile = path.join(workDir, 'warm-up.csv');
      if (!existsSync(warmFile)) await generateImportFile(warmFile, Math.min(rows, 2_000));
      await timedImport(serve, await createTestTenant(ctx, 'warm-up'), warmFile, database.db);
      const plain = await createTestTenant(ctx, 'plain');
      figures.plainMs = await timedImport(serve, plain, file, database.db);
      const hooked = await createTestTenant(ctx, 'hooked');
      await createEndpoint(serve, hooked, receiver, `/${label}/per-user`, { events: ['user.created'], import_events: 'per_user' });
      const hookedStarted = performance.now();
      figures.hookedMs = await timedImport(serve, hooked, file, database.db);
      const created = Number((await database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('app_id', '=', hooked.appId).executeTakeFirstOrThrow()).n);
      await eventually(`${created} events delivered`, async () => ((await receiver.count(`/${label}/per-user`)) >= created ? true : undefined), 3_600_000, 250);
      figures.allDeliveredS = (performance.now() - hookedStarted) / 1000;
      const backlog = await receiver.receipts(`/${label}/per-user`);
      figures.created = created;
      figures.delivered = new Set(backlog.map((receipt) => receipt.webhookId)).size;
      figures.requests = backlog.length;
      figures.deliveriesPerSecond = backlog.length / Math.max(0.001, (backlog.at(-1)!.receivedAt - backlog[0]!.receivedAt) / 1000);
    }

    // 2. Lag at a steady rate.
    const steady = await createTestTenant(ctx, 'steady');
    await createEndpoint(serve, steady, receiver, `/${label}/steady`, { events: ['user.created'] });
    figures.achieved = await steadyChanges(serves, steady, rate, seconds);
    await eventually('the steady changes delivered', async () => ((await receiver.count(`/${label}/steady`)) >= rate * seconds ? true : undefined), 600_000, 250);
    figures.lags = (await receiver.receipts(`/${label}/steady`)).map((receipt) => receipt.receivedAt - receipt.occurredAt).sort((a, b) => a - b);
    // 3. The same rate written straight to the feed, over 200 users.
    const direct = await createTestTenant(ctx, 'feed-writes');
    await createEndpoint(serve, direct, receiver, `/${label}/feed`, { events: ['user.updated'] });
    figures.feedAchieved = await steadyFeedWrites(database.db, direct.appId, rate, seconds);
    await eventually('the feed writes delivered', async () => ((await receiver.count(`/${label}/feed`)) >= rate * seconds ? true : undefined), 600_000, 250);
    figures.feedLags = (await receiver.receipts(`/${label}/feed`)).map((receipt) => receipt.receivedAt - receipt.occurredAt).sort((a, b) => a - b);

    for (const path_ of [`/${label}/per-user`, `/${label}/steady`, `/${label}/feed`]) {
      const checks = await receiver.checks(path_);
      figures.badSignatures += checks.badSignatures;
      figures.outOfOrder += checks.outOfOrder;
    }
    figures.loadAfter = os.loadavg()[0]!;
    return figures;
  } finally {
    for (const child of children) if (child.alive()) child.child.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await database.close();
    await dropBenchSchemas(databaseUrl, schema);
  }
}

const seconds_ = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);

function printTable(runs: Figures[]): void {
  const header = runs.map((run) => run.label);
  const ratio = runs.length === 2 ? ' | this ÷ baseline' : '';
  console.log(`| measure | ${header.join(' | ')}${ratio} | target |\n|---|${runs.map(() => '---:|').join('')}${ratio ? '---:|' : ''}---:|`);
  const row = (name: string, values: (number | undefined)[], show: (value: number | undefined, run: Figures) => string, target = '') => {
    const shown = runs.map((run, index) => show(values[index], run));
    const ratioCell = runs.length === 2 && values[0] && values[1] !== undefined ? ` | ${(values[1]! / values[0]!).toFixed(2)}×` : ratio ? ' | ' : '';
    console.log(`| ${name} | ${shown.join(' | ')}${ratioCell} | ${target} |`);
  };
  if (!skipImport) {
    row(`import of ${rows.toLocaleString('en')} rows, no endpoint`, runs.map((run) => run.plainMs), (value) => seconds_(value));
    row('same import, one per_user endpoint', runs.map((run) => run.hookedMs), (value, run) => `${seconds_(value)} (${((value ?? 0) / (run.plainMs ?? 1)).toFixed(2)}× no endpoint)`, '≤ 1.1×');
    row('its events delivered (distinct webhook-ids / users, requests)', runs.map((run) => run.delivered), (value, run) => `${value} / ${run.created}, ${run.requests}`, 'all');
    row('deliveries per second, 2 workers (first to last receipt)', runs.map((run) => run.deliveriesPerSecond), (value) => `${(value ?? 0).toFixed(0)} /s`);
    row('import start → last event received', runs.map((run) => (run.allDeliveredS ?? 0) * 1000), (value) => seconds_(value));
  }
  row('user creations through the API (achieved rate)', runs.map((run) => run.achieved), (value) => `${(rate * seconds).toLocaleString('en')} at ${(value ?? 0).toFixed(0)}/s`, `${rate}/s`);
  for (const p of [50, 95]) row(`  its lag commit → receipt, p${p}`, runs.map((run) => percentile(run.lags, p)), (value) => `${value} ms`, p === 95 ? '≤ 1,000 ms' : '');
  row('  its lag, max', runs.map((run) => run.lags.at(-1)), (value) => `${value} ms`);
  row('changes written to the feed, 200 users (achieved rate)', runs.map((run) => run.feedAchieved), (value) => `${(rate * seconds).toLocaleString('en')} at ${(value ?? 0).toFixed(0)}/s`, `${rate}/s`);
  for (const p of [50, 95]) row(`  its lag commit → receipt, p${p}`, runs.map((run) => percentile(run.feedLags, p)), (value) => `${value} ms`, p === 95 ? '≤ 1,000 ms' : '');
  row('  its lag, max', runs.map((run) => run.feedLags.at(-1)), (value) => `${value} ms`);
  row('signatures refused by `standardwebhooks`; events after a later one of their user', runs.map((run) => run.badSignatures + run.outOfOrder), (_value, run) => `${run.badSignatures}; ${run.outOfOrder}`, '0; 0');
  row('load average (1 min) before → after', runs.map(() => undefined), (_value, run) => `${run.loadBefore.toFixed(1)} → ${run.loadAfter.toFixed(1)}`);
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop: stopEmbedded } = await benchDatabase('webhooks');
  const receiver = await startReceiver();
  try {
    console.log(`${rows.toLocaleString('en')} rows, ${rate}/s for ${seconds} s over ${servers} API process(es); Node ${process.version}, ${os.availableParallelism()} CPUs, PostgreSQL ${databaseUrl === process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}, load average ${os.loadavg()[0]!.toFixed(1)}\n`);
    const runs: Figures[] = [];
    if (baseline) runs.push(await measure('baseline', baseline, databaseUrl, workDir, receiver));
    runs.push(await measure('this', undefined, databaseUrl, workDir, receiver));
    printTable(runs);
    console.log(`\n${new Date().toISOString()}${baseline ? `, baseline: ${baseline}` : ''}`);
  } finally {
    receiver.stop();
    await stopEmbedded();
    rmSync(workDir, { recursive: true, force: true });
  }
}

runBench(main);
