/**
 * Users API benchmark: GET /healthz (the framework's ceiling, one SELECT 1), GET /v3/users/{vendor_data}/
 * over random existing users, and POST /v3/users/create/ with unique vendor_data.
 *
 *   npm run bench:api                                    (embedded PostgreSQL in a temp folder)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:api
 *   API_BENCH_SECONDS=5 API_BENCH_CONNECTIONS=50 API_BENCH_USERS=100000 npm run bench:api
 *
 * Roster runs in this process on a free port with rate limits off (API_BENCH_RATE_LIMIT=100000000: on, never refusing); the load generator (autocannon) runs
 * in a child process so that it does not share Roster's event loop. 100,000 users are loaded first with
 * one INSERT … SELECT. With DATABASE_URL the run uses a fresh schema, dropped at the end.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { createApiKey, createApplication, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { freePort } from '../test/global-setup.ts';

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** How the child builds each request. */
  kind: 'healthz' | 'readyz' | 'get' | 'create';
}

interface ScenarioResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

const seconds = Number(process.env.API_BENCH_SECONDS ?? 10);
const connections = Number(process.env.API_BENCH_CONNECTIONS ?? 50);
const userCount = Number(process.env.API_BENCH_USERS ?? 100_000);

// /healthz is the framework's ceiling (no database since #10); /readyz is one `SELECT 1`, the floor of
// any request that reads the database (what /healthz measured before #10).
// API_BENCH_SCENARIOS=get,create runs only those (the ceiling always runs: ratios need it).
const only = process.env.API_BENCH_SCENARIOS?.split(',').map((kind) => kind.trim());
const scenarios: Scenario[] = ([
  { name: 'GET /healthz', method: 'GET', kind: 'healthz' },
  { name: 'GET /readyz (SELECT 1)', method: 'GET', kind: 'readyz' },
  { name: 'GET /v3/users/{vendor_data}/', method: 'GET', kind: 'get' },
  { name: 'POST /v3/users/create/', method: 'POST', kind: 'create' },
] satisfies Scenario[]).filter((scenario) => scenario.kind === 'healthz' || !only || only.includes(scenario.kind));

/** The child process: drives one scenario with autocannon and reports the figures over IPC. */
async function runLoad(): Promise<void> {
  const { url, apiKey, scenario, users } = JSON.parse(process.env.API_BENCH_JOB as string) as { url: string; apiKey: string; scenario: Scenario; users: number };
  let created = 0;
  const prefix = `bench-new-${randomBytes(4).toString('hex')}`;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    requests: [
      {
        method: scenario.method,
        setupRequest: (request) => {
          if (scenario.kind === 'healthz' || scenario.kind === 'readyz') return { ...request, path: `/${scenario.kind}` };
          if (scenario.kind === 'get') return { ...request, path: `/v3/users/bench-${1 + Math.floor(Math.random() * users)}/` };
          created += 1;
          return { ...request, path: '/v3/users/create/', body: JSON.stringify({ vendor_data: `${prefix}-${created}`, display_name: 'Bench user', email: `user${created}@example.com`, country: 'FRA', tags: ['bench'] }) };
        },
      },
    ],
  });
  const report: ScenarioResult = {
    name: scenario.name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
  // The IPC channel keeps a forked child alive: leave once the report is out.
  process.send?.(report, () => process.exit(0));
}

function runInChild(job: object): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--load'], { env: { ...process.env, API_BENCH_JOB: JSON.stringify(job) }, execArgv: ['--import', 'tsx'] });
    let report: ScenarioResult | undefined;
    child.on('message', (message) => (report = message as ScenarioResult));
    child.on('error', reject);
    child.on('exit', (code) => (report ? resolve(report) : reject(new Error(`load generator exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-api-bench-'));
  chmodSync(dataDir, 0o755);
  let stopEmbedded = async () => {};
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgDir = path.join(dataDir, 'pg-root');
    mkdirSync(pgDir, { mode: 0o755 });
    const embedded = await openEmbeddedDatabase(pgDir, await freePort());
    databaseUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const schema = process.env.DATABASE_URL ? `bench_${randomBytes(4).toString('hex')}` : 'public';
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    ROSTER_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    // API_BENCH_RATE_LIMIT=N turns the shared (PostgreSQL-leased) limits on at N per minute, high enough
    // never to refuse: what leasing budgets costs the API's throughput. Off by default.
    RATE_LIMIT_READS_PER_MINUTE: process.env.API_BENCH_RATE_LIMIT ?? '0',
    RATE_LIMIT_WRITES_PER_MINUTE: process.env.API_BENCH_RATE_LIMIT ?? '0',
  });
  const database = connectDatabase(databaseUrl, { schema });
  const ctx = await createContext(config, database, { schema, log: { info: () => {}, warn: console.warn, error: console.error } });
  const app = await buildApp(ctx);
  await app.listen({ port: config.PORT, host: '127.0.0.1' });
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const application = await createApplication(ctx.db, org.id, 'Bench application');
    const key = await createApiKey(ctx.db, application.id, { name: 'bench' });

    const loadStarted = performance.now();
    await sql`
      INSERT INTO users (app_id, vendor_data, display_name, full_name, email, country, tags, metadata, created_at, updated_at)
      SELECT ${application.id}::uuid, 'bench-' || n, 'User ' || n, 'Full Name ' || n, 'user' || n || '@example.com',
             (ARRAY['FRA','ESP','USA','GBR'])[1 + n % 4], ARRAY['bench'], jsonb_build_object('n', n),
             now() - n * interval '1 second', now() - n * interval '1 second'
      FROM generate_series(1, ${userCount}::int) AS n`.execute(ctx.db);
    await sql`ANALYZE users`.execute(ctx.db);
    console.log(`Loaded ${userCount.toLocaleString('en')} users in ${((performance.now() - loadStarted) / 1000).toFixed(2)} s`);
    // Other processes on the machine move these figures a lot: the load average says how busy it was.
    const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
    console.log(`Each scenario: ${connections} connections for ${seconds} s (autocannon in a child process; ${os.cpus().length} CPUs; load average ${loadAverage()})\n`);

    const url = `http://127.0.0.1:${config.PORT}`;
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      results.push(await runInChild({ url, apiKey: key.api_key, scenario, users: userCount }));
    }
    const ceiling = results[0].requestsPerSecond;
    console.log('| scenario | requests/s | p50 ms | p99 ms | vs healthz | non-2xx | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const result of results) {
      const ratio = (result.requestsPerSecond / ceiling).toFixed(2);
      console.log(`| ${result.name} | ${Math.round(result.requestsPerSecond).toLocaleString('en')} | ${result.p50} | ${result.p99} | ${ratio} | ${result.non2xx} | ${result.errors} |`);
    }
    console.log(`\n${new Date().toISOString()}, load average after: ${loadAverage()}`);
  } finally {
    await app.close();
    if (schema !== 'public') await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(ctx.db).catch(() => {});
    await closeContext(ctx);
    await stopEmbedded();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--load')) await runLoad();
else await main();
