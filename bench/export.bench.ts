/**
 * Export benchmark: request → completed → downloaded through the HTTP API, against PostgreSQL's own
 * `COPY (SELECT …) TO STDOUT CSV` of the same rows and columns on the same server.
 *
 *   npm run bench:export                                  (1,000,000 users, embedded PostgreSQL in a temp folder)
 *   npm run bench:export -- --rows 10000000 --runs 1
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:export
 *
 * Roster (HTTP and the export worker) runs in this process on a free port, rate limits off; the file is
 * downloaded by curl in a child process so that the client shares neither Roster's memory nor its event
 * loop. Runs alternate baseline / Roster so that cache warmth favours neither; the median is reported.
 * With DATABASE_URL the run uses a fresh schema, dropped at the end.
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { type AppContext, closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { allJobs } from '../src/features/index.ts';
import { exportColumns } from '../src/shared/user-columns.ts';
import { freePort } from '../test/global-setup.ts';
import { argument } from './bench-support.ts';

const rowCount = argument('rows', 1_000_000);
const runs = argument('runs', 3);
const LOAD_BATCH = 1_000_000;
const MB = 1024 * 1024;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The same 21 columns an export writes, as PostgreSQL prints them with no formatting of ours. */
function baselineStatement(appId: string): string {
  const columns = exportColumns.map((column) =>
    column === 'effective_name' ? 'COALESCE(display_name, full_name)' : column === 'metadata_json' ? 'metadata' : column,
  );
  return `COPY (SELECT ${columns.join(', ')} FROM users WHERE app_id = '${appId}' ORDER BY created_at, didit_internal_id) TO STDOUT WITH (FORMAT csv, HEADER)`;
}

/** Runs in a child process (like psql would), so the baseline shares neither Roster's memory nor its event loop. */
async function baselineChild(): Promise<void> {
  const { url, schema, appId, file } = JSON.parse(process.env.EXPORT_BENCH_JOB as string) as { url: string; schema: string; appId: string; file: string };
  const client = new pg.Client({ connectionString: url, options: schema === 'public' ? undefined : `-c search_path=${schema}` });
  await client.connect();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await pipeline(client.query(copyTo(baselineStatement(appId))), createWriteStream(file));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await client.end();
  process.send?.({ elapsed, clientCpuMs: (cpu.user + cpu.system) / 1000 }, () => process.disconnect());
}

interface BaselineRun {
  elapsed: number;
  clientCpuMs: number;
}

function runBaseline(job: { url: string; schema: string; appId: string; file: string }): Promise<BaselineRun> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--baseline-child'], { env: { ...process.env, EXPORT_BENCH_JOB: JSON.stringify(job) }, execArgv: ['--import', 'tsx'] });
    let result: BaselineRun | undefined;
    child.on('message', (message) => (result = message as BaselineRun));
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`baseline exited with ${code}`))));
  });
}

/** Wall time on a shared machine depends on its other work; CPU time spent says how much work each side did. */
function findPostmaster(pgDir: string): number | null {
  if (process.platform !== 'linux') return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const dataFlag = command.indexOf('-D');
      if (command[0].endsWith('/postgres') && dataFlag >= 0 && command[dataFlag + 1].startsWith(pgDir)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

/** CPU ms of the whole embedded server: the postmaster, the children it has reaped, and the live ones. */
function clusterCpuMs(postmaster: number | null): number | null {
  if (postmaster === null) return null;
  const ticks = (pid: number | string, withChildren: boolean): { ppid: number; ticks: number } | null => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const own = Number(fields[11]) + Number(fields[12]);
      return { ppid: Number(fields[1]), ticks: withChildren ? own + Number(fields[13]) + Number(fields[14]) : own };
    } catch {
      return null;
    }
  };
  let total = ticks(postmaster, true)?.ticks ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === postmaster) continue;
    const child = ticks(entry, false);
    if (child?.ppid === postmaster) total += child.ticks;
  }
  return total * 10; // USER_HZ is 100 on Linux.
}

function curlDownload(url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['--silent', '--show-error', '--fail', '--output', file, url], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited with ${code}`))));
  });
}

interface RosterRun {
  /** From the export row: request → worker picked it up, and the worker's COPY → stored file. */
  pickupMs: number;
  workMs: number;
  totalMs: number;
  toCompletedMs: number;
  downloadMs: number;
  bytes: number;
  rowCount: number;
}

async function runRoster(ctx: AppContext, baseUrl: string, appId: string, token: string, file: string): Promise<RosterRun> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = performance.now();
  const requested = await fetch(`${baseUrl}/api/console/apps/${appId}/exports`, { method: 'POST', headers, body: '{}' });
  if (requested.status !== 202) throw new Error(`export request answered ${requested.status}: ${await requested.text()}`);
  const { id } = (await requested.json()) as { id: string };
  let body: { status: string; download_url: string | null; row_count: number | null; error: string | null };
  for (;;) {
    body = (await (await fetch(`${baseUrl}/api/console/apps/${appId}/exports/${id}`, { headers })).json()) as typeof body;
    if (body.status !== 'queued' && body.status !== 'running') break;
    // As a script would poll; each poll is a request Roster serves, so not too often.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (body.status !== 'completed') throw new Error(`export ${id} ended ${body.status}: ${body.error}`);
  const completed = performance.now();
  // The emailed link points at PUBLIC_URL; the bench's server listens on the same address.
  await curlDownload(body.download_url!, file);
  const finished = performance.now();
  const row = await ctx.db.selectFrom('exports').select(['created_at', 'started_at', 'finished_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const pickupMs = row.started_at!.getTime() - row.created_at.getTime();
  const workMs = row.finished_at!.getTime() - row.started_at!.getTime();
  return { pickupMs, workMs, totalMs: finished - started, toCompletedMs: completed - started, downloadMs: finished - completed, bytes: statSync(file).size, rowCount: body.row_count! };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-export-bench-'));
  chmodSync(dataDir, 0o755);
  const scratch = path.join(dataDir, 'downloads');
  mkdirSync(scratch);
  let stopEmbedded = async () => {};
  let databaseUrl = process.env.DATABASE_URL;
  let postmaster: number | null = null;
  if (!databaseUrl) {
    const pgDir = path.join(dataDir, 'pg-root');
    mkdirSync(pgDir, { mode: 0o755 });
    const embedded = await openEmbeddedDatabase(pgDir, await freePort());
    databaseUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
    postmaster = findPostmaster(pgDir);
  }
  const schema = process.env.DATABASE_URL ? `bench_${randomBytes(4).toString('hex')}` : 'public';
  const port = await freePort();
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    ROSTER_DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: '',
    STORAGE_URL: '',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
  });
  const database = connectDatabase(databaseUrl, { schema });
  const ctx = await createContext(config, database, { schema, maintenance: true, log: { info: () => {}, warn: console.warn, error: console.error } });
  await ctx.jobs.start(allJobs);
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  await ctx.jobs.work(allJobs, ctx);
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const application = await createApplication(ctx.db, org.id, 'Bench application');
    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    await createOperator(ctx.db, { orgId: org.id, email, role: 'OWNER', name: 'Bench owner', password: randomBytes(12).toString('hex') });
    const { token } = await createConsoleToken(ctx.db, email);

    const loadStarted = performance.now();
    // The search indexes (trigram GIN, tags GIN) cost 50–100 µs per written row and no export reads them:
    // loading 10,000,000 users with them would take most of an hour. They are dropped for the load only.
    await sql`DROP INDEX IF EXISTS users_search_trgm_idx, users_tags_idx`.execute(ctx.db);
    for (let first = 1; first <= rowCount; first += LOAD_BATCH) {
      const last = Math.min(rowCount, first + LOAD_BATCH - 1);
      // Every export column holds a value, so the formatting cost is measured in full.
      await sql`
        INSERT INTO users (app_id, vendor_data, display_name, full_name, date_of_birth, email, phone, country, status, tags, metadata,
                           session_count, approved_count, declined_count, in_review_count, first_session_at, last_session_at, last_activity_at, created_at, updated_at)
        SELECT ${application.id}::uuid, 'customer-' || n, 'User ' || n, 'Full Name ' || n, date '1950-01-01' + (n % 20000),
               'user' || n || '@example.com', '+3460' || lpad((n % 10000000)::text, 7, '0'), (ARRAY['FRA','ESP','USA','GBR'])[1 + n % 4],
               (ARRAY['ACTIVE','ACTIVE','FLAGGED','BLOCKED'])[1 + n % 4], ARRAY['bench', 't' || (n % 10)], jsonb_build_object('tier', 'gold', 'n', n),
               n % 7, n % 5, n % 3, n % 2, timestamptz '2025-01-01' + n * interval '1 second', timestamptz '2025-06-01' + n * interval '1 second',
               timestamptz '2025-06-02' + n * interval '1 second', timestamptz '2024-01-01' + n * interval '10 millisecond', now()
        FROM generate_series(${first}::int, ${last}::int) AS n`.execute(ctx.db);
    }
    await sql`VACUUM ANALYZE users`.execute(ctx.db);
    const { rows: [server] } = await ctx.database.pool.query<{ server_version: string }>('SHOW server_version');
    const where = process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded';
    console.log(`Loaded ${rowCount.toLocaleString('en')} users in ${seconds(performance.now() - loadStarted)} (PostgreSQL ${server.server_version}, ${where}; ${os.cpus().length} CPUs)`);

    console.log(`load average before the runs: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    // One untimed pass so the first timed run does not pay for reading the table from disk.
    const baselineJob = (file: string) => ({ url: databaseUrl!, schema, appId: application.id, file });
    await runBaseline(baselineJob(path.join(scratch, 'warmup.csv')));
    rmSync(path.join(scratch, 'warmup.csv'));

    const rssBefore = process.memoryUsage.rss();
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
    const baselineTimes: number[] = [];
    const baselineCpu: number[] = [];
    const rosterRuns: RosterRun[] = [];
    const rosterCpu: number[] = [];
    let baselineBytes = 0;
    for (let run = 0; run < runs; run++) {
      const baselineFile = path.join(scratch, 'baseline.csv');
      let serverCpu = clusterCpuMs(postmaster);
      const baselineRun = await runBaseline(baselineJob(baselineFile));
      baselineTimes.push(baselineRun.elapsed);
      let parts = '';
      if (serverCpu !== null) {
        const server = clusterCpuMs(postmaster)! - serverCpu;
        baselineCpu.push(server + baselineRun.clientCpuMs);
        parts = `baseline PostgreSQL ${seconds(server)} + client ${seconds(baselineRun.clientCpuMs)}`;
      }
      baselineBytes = statSync(baselineFile).size;
      rmSync(baselineFile);
      const rosterFile = path.join(scratch, 'roster.csv');
      serverCpu = clusterCpuMs(postmaster);
      const processCpu = process.cpuUsage();
      const result = await runRoster(ctx, config.PUBLIC_URL, application.id, token, rosterFile);
      const rosterProcessCpu = process.cpuUsage(processCpu);
      if (serverCpu !== null) {
        const server = clusterCpuMs(postmaster)! - serverCpu;
        const own = (rosterProcessCpu.user + rosterProcessCpu.system) / 1000;
        rosterCpu.push(server + own);
        parts += `; Roster PostgreSQL ${seconds(server)} + process ${seconds(own)}`;
      }
      if (result.rowCount !== rowCount) throw new Error(`export counted ${result.rowCount} rows, expected ${rowCount}`);
      rosterRuns.push(result);
      rmSync(rosterFile);
      // Each export's stored file is not needed once timed; keep the disk from filling at 10M rows.
      rmSync(path.join(dataDir, 'files', 'exports'), { recursive: true, force: true });
      const cpuNote = serverCpu !== null ? `\n    CPU: ${parts}` : '';
      console.log(
        `run ${run + 1}/${runs}: baseline ${seconds(baselineTimes[run])}, Roster ${seconds(result.totalMs)} (completed ${seconds(result.toCompletedMs)} [pickup ${seconds(result.pickupMs)}, worker ${seconds(result.workMs)}] + download ${seconds(result.downloadMs)})${cpuNote}`,
      );
    }
    clearInterval(sampler);

    const baseline = median(baselineTimes);
    const roster = median(rosterRuns.map((run) => run.totalMs));
    const typical = rosterRuns.find((run) => run.totalMs === roster)!;
    const ratio = roster / baseline;
    const peakMb = peakRss / MB;
    console.log('');
    console.log(`| rows | PostgreSQL COPY (baseline) | Roster request → completed → downloaded | ratio | Roster peak RSS |`);
    console.log(`|---:|---:|---:|---:|---:|`);
    console.log(
      `| ${rowCount.toLocaleString('en')} | ${seconds(baseline)} (${(baselineBytes / MB).toFixed(0)} MB) | ${seconds(roster)} (completed ${seconds(typical.toCompletedMs)} + download ${seconds(typical.downloadMs)}; ${(typical.bytes / MB).toFixed(0)} MB) | ${ratio.toFixed(2)}× | ${peakMb.toFixed(0)} MB (${(rssBefore / MB).toFixed(0)} MB before) |`,
    );
    if (baselineCpu.length > 0) {
      const cpuRatio = median(rosterCpu) / median(baselineCpu);
      console.log('');
      console.log(
        `CPU time (PostgreSQL server + client; Roster's process serves HTTP and runs the worker, curl not counted): baseline ${seconds(median(baselineCpu))}, Roster ${seconds(median(rosterCpu))}, ratio ${cpuRatio.toFixed(2)}×`,
      );
    }
    console.log('');
    console.log(`load average at the end: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (other work on the machine slows both sides, unevenly)`);
    console.log(`targets (issue #11): ratio ≤ 1.2× ${ratio <= 1.2 ? 'met' : 'MISSED'}; peak RSS ≤ 150 MB ${peakMb <= 150 ? 'met' : 'MISSED'} (this process also holds the bench, tsx and the HTTP server: bench:process measures the real server)`);
  } finally {
    await app.close();
    if (schema !== 'public') {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(ctx.db).catch(() => {});
      await sql`DROP SCHEMA IF EXISTS ${sql.id(`${schema}_jobs`)} CASCADE`.execute(ctx.db).catch(() => {});
    }
    await closeContext(ctx);
    await stopEmbedded();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--baseline-child')) await baselineChild();
else await main();
