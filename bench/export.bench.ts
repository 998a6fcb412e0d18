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
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { closeContext } from '../src/context.ts';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { exportColumns } from '../src/shared/user-columns.ts';
import { freePort } from '../test/global-setup.ts';
import { argument, clusterCpuMs, findPostmaster } from './bench-support.ts';
import { type RosterRun, runRoster, startExportBench } from './export-support.ts';

const rowCount = argument('rows', 1_000_000);
const runs = argument('runs', 3);
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
  const loadStarted = performance.now();
  const { ctx, app, config, appId, token } = await startExportBench(databaseUrl, schema, dataDir, rowCount);
  const application = { id: appId };
  try {
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
