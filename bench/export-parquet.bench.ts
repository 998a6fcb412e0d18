/**
 * Parquet export against the CSV export of the same users (issue 21: at most 1.2× the CSV export's time,
 * peak memory ≤ 150 MB), each request → completed → downloaded through the HTTP API, and DuckDB's own
 * `COPY … TO 'x.parquet'` of the same rows beside them as a reference: through DuckDB's postgres
 * scanner when it is installed here, else from PostgreSQL's `COPY … TO STDOUT CSV` of the typed columns.
 *
 *   npm run bench:export-parquet -- --rows 1000000          (embedded PostgreSQL in a temp folder)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:export-parquet -- --rows 20000
 *
 * Roster (HTTP and the export worker) runs in this process; peak RSS is this process's (Roster, the bench,
 * tsx, and DuckDB's native memory for the Parquet export) sampled every 20 ms during each export. The
 * DuckDB reference runs in a child process of its own. Results: bench/RESULTS.md, "Parquet export".
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { closeContext } from '../src/context.ts';
import { exportColumns } from '../src/shared/user-columns.ts';
import { argument, benchDatabase, dropBenchSchemas, runBench } from './bench-support.ts';
import { runRoster, startExportBench } from './export-support.ts';

const rowCount = argument('rows', 1_000_000);
const MB = 1024 * 1024;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () => os.loadavg()[0]!.toFixed(1);

interface ReferenceJob {
  url: string;
  schema: string;
  appId: string;
  work: string;
}

/** The typed columns DuckDB writes in the reference, from PostgreSQL's own text (no formatting of ours). */
const referenceSelect = (appId: string) =>
  `SELECT didit_internal_id::text, vendor_data, display_name, COALESCE(display_name, full_name) AS effective_name, full_name, date_of_birth, email, phone,
          country, status, tags, metadata::text, session_count, approved_count, declined_count, in_review_count, first_session_at, last_session_at,
          last_activity_at, created_at, updated_at
     FROM users WHERE app_id = '${appId}' ORDER BY created_at, didit_internal_id`;

/** In a child process: DuckDB writes the same rows as Parquet (zstd), by its postgres scanner if it loads, else from a CSV COPY. */
async function referenceChild(): Promise<void> {
  const job = JSON.parse(process.env.PARQUET_BENCH_JOB as string) as ReferenceJob;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', temp_directory: job.work });
  const connection = await instance.connect();
  const out = path.join(job.work, 'reference.parquet');
  const started = performance.now();
  let route: string;
  try {
    await connection.run('LOAD postgres');
    const url = new URL(job.url);
    const libpq = `host=${url.hostname} port=${url.port || 5432} dbname=${url.pathname.slice(1)} user=${decodeURIComponent(url.username)} password=${decodeURIComponent(url.password)} options='-c search_path=${job.schema}'`;
    await connection.run(`COPY (SELECT * FROM postgres_query('${libpq.replace(/'/g, "''")}', '${referenceSelect(job.appId).replace(/'/g, "''")}')) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
    route = 'postgres scanner';
  } catch {
    // The postgres extension is not installed here (it is fetched from the network): go through a CSV COPY.
    const csv = path.join(job.work, 'reference.csv');
    const client = new pg.Client({ connectionString: job.url, options: job.schema === 'public' ? undefined : `-c search_path=${job.schema}` });
    await client.connect();
    await pipeline(client.query(copyTo(`COPY (${referenceSelect(job.appId)}) TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(csv));
    await client.end();
    await connection.run(`COPY (SELECT * FROM read_csv('${csv}', header = true)) TO '${out}' (FORMAT parquet, COMPRESSION zstd)`);
    rmSync(csv);
    route = 'PostgreSQL COPY to CSV, then DuckDB read_csv';
  }
  const elapsed = performance.now() - started;
  connection.closeSync();
  process.send?.({ elapsed, route, bytes: statSync(out).size }, () => process.disconnect());
}

function runReference(job: ReferenceJob): Promise<{ elapsed: number; route: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--reference-child'], { env: { ...process.env, PARQUET_BENCH_JOB: JSON.stringify(job) }, execArgv: ['--import', 'tsx'] });
    let result: { elapsed: number; route: string; bytes: number } | undefined;
    child.on('message', (message) => (result = message as typeof result));
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`the DuckDB reference exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop } = await benchDatabase('export-parquet');
  const scratch = path.join(workDir, 'downloads');
  mkdirSync(scratch);
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const loading = performance.now();
  const { ctx, app, config, appId, token } = await startExportBench(databaseUrl, schema, path.join(workDir, 'data'), rowCount);
  const application = { id: appId };
  try {
    console.log(`${rowCount.toLocaleString('en')} users loaded in ${seconds(performance.now() - loading)}; Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${load()}`);

    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    const exportOnce = async (format: 'csv' | 'parquet') => {
      peak = process.memoryUsage.rss();
      const before = peak;
      const file = path.join(scratch, `roster.${format}`);
      const run = await runRoster(ctx, config.PUBLIC_URL, application.id, token, file, { format, columns: [...exportColumns] });
      if (run.rowCount !== rowCount) throw new Error(`the ${format} export counted ${run.rowCount} rows, expected ${rowCount}`);
      rmSync(file);
      rmSync(path.join(workDir, 'data', 'files', 'exports'), { recursive: true, force: true });
      console.log(
        `${format}: ${seconds(run.totalMs)} (worker ${seconds(run.workMs)}, download ${seconds(run.downloadMs)}; ${(run.bytes / MB).toFixed(0)} MB), peak RSS ${(peak / MB).toFixed(0)} MB (${(before / MB).toFixed(0)} MB before); load average ${load()}`,
      );
      return { ...run, peakMb: peak / MB, growthMb: (peak - before) / MB };
    };
    // CSV first warms the table's pages for both.
    const csv = await exportOnce('csv');
    const parquet = await exportOnce('parquet');
    clearInterval(sampler);
    const reference = await runReference({ url: databaseUrl, schema, appId: application.id, work: scratch });
    console.log(`DuckDB COPY … TO parquet (${reference.route}): ${seconds(reference.elapsed)}, ${(reference.bytes / MB).toFixed(0)} MB; load average ${load()}`);
    console.log('');
    console.log('| rows | CSV export | Parquet export | Parquet ÷ CSV | peak RSS, CSV / Parquet (growth during the export) | DuckDB COPY TO parquet (reference) | load average |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${rowCount.toLocaleString('en')} | ${seconds(csv.totalMs)} | ${seconds(parquet.totalMs)} | ${(parquet.totalMs / csv.totalMs).toFixed(2)}× | ${csv.peakMb.toFixed(0)} (+${csv.growthMb.toFixed(0)}) / ${parquet.peakMb.toFixed(0)} (+${parquet.growthMb.toFixed(0)}) MB | ${seconds(reference.elapsed)} (${reference.route}) | ${load()} |`,
    );
    // This process also holds the bench, tsx and the HTTP client: its RSS before the export is not the server's.
    console.log(`targets (issue 21): Parquet ≤ 1.2× CSV ${parquet.totalMs <= csv.totalMs * 1.2 ? 'met' : 'MISSED'}; the Parquet export's growth over the process's RSS ${parquet.growthMb.toFixed(0)} MB (≤ 150 MB peak is about a server process: bench:process)`);
  } finally {
    await app.close();
    await closeContext(ctx);
    await dropBenchSchemas(databaseUrl, schema);
    rmSync(workDir, { recursive: true, force: true });
    await stop();
  }
}

if (process.argv.includes('--reference-child')) await referenceChild();
else runBench(main);
