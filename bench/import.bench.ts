/**
 * CSV import benchmark: upload → preview → run → completed through the HTTP API, against PostgreSQL's
 * own COPY into a staging table plus one INSERT … ON CONFLICT merge of the same file on the same server
 * (bench/baselines.ts: into a copy of users with all its indexes plus a ledger side table, and into a plain table).
 *
 *   npm run bench:import                                    (embedded PostgreSQL in a temp folder)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:import
 *   IMPORT_BENCH_SIZES=100000 npm run bench:import          (sizes to run, comma-separated)
 *   IMPORT_BENCH_TRACE=1 npm run bench:import               (print status, rows and memory every 2 s)
 *   IMPORT_VALIDATION_THREADS=1 npm run bench:import        (fewer validation threads: less memory, slower preview)
 *   IMPORT_BENCH_PREVIEW=1 npm run bench:import             (upload → ready only, against a COPY of the file into an
 *                                                            unindexed staging table; prints the job's phases)
 *
 * Roster runs in this process on a free port (server and worker, as `roster start` does); the client
 * streams each file from disk with fetch and polls the import every 20 ms. Files have 1% invalid rows
 * (bad email, phone or country: kinds PostgreSQL itself would store, so the baseline can load the same
 * file). A 10,000-row warm-up import starts the validation threads first, as on a running server.
 * Peak RSS is this process's during each import (Roster's server and worker, plus the streaming HTTP
 * client), sampled every 20 ms; files are generated in a child process so their garbage is not counted.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { allJobs } from '../src/features/index.ts';
import { freePort } from '../test/global-setup.ts';
import { dropBenchSchemas, runBench, benchDatabase } from './bench-support.ts';
import { prepareBaselines, runBaseline } from './baselines.ts';
import { backendCpu, grownMs, processCpu } from './cpu-accounting.ts';
import type pg from 'pg';
import { generateImportFile, uploadImportFile } from './import-file.ts';
import { ledgerBench, ledgerBenchArguments } from './import-ledger.bench-part.ts';

// Import ledger figures (issue #8): `-- --ledger-rows N [--ledger-only]`, see import-ledger.bench-part.ts.
const ledgerArguments = ledgerBenchArguments(process.argv);
const previewOnly = Boolean(process.env.IMPORT_BENCH_PREVIEW);
/** The validate job's log line with its phases (validate-import.job.ts), one per preview. */
const phaseLines: string[] = [];
const sizes = ledgerArguments.only ? [] : (process.env.IMPORT_BENCH_SIZES ?? '100000,1000000').split(',').map((size) => Number(size.trim()));
/** Peak RSS per phase, from a 20 ms sampler: the upload and preview, then the run. */
const phasePeaks = { preview: 0, run: 0 };
let sampledPeak = 0;
setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss())), 20).unref();
function takePeak(): number {
  const peak = Math.max(sampledPeak, process.memoryUsage.rss());
  sampledPeak = 0;
  return peak;
}

interface ImportTimes {
  uploadMs: number;
  previewMs: number;
  totalMs: number;
  view: Record<string, unknown>;
}

async function importThroughApi(baseUrl: string, token: string, appId: string, file: string): Promise<ImportTimes> {
  const auth = { authorization: `Bearer ${token}` };
  const started = performance.now();
  const { id } = await uploadImportFile(`${baseUrl}/api/console/apps/${appId}/imports?file_name=${path.basename(file)}`, auth, file);
  const uploaded = performance.now();
  let lastTrace = 0;
  const poll = async (statuses: string[]) => {
    for (;;) {
      const response = await fetch(`${baseUrl}/api/console/apps/${appId}/imports/${id}`, { headers: auth });
      const view = (await response.json()) as Record<string, unknown>;
      if (process.env.IMPORT_BENCH_TRACE && Date.now() - lastTrace > 2000) {
        lastTrace = Date.now();
        const m = process.memoryUsage();
        console.log(`  ${view.status} rows ${view.total_rows} processed ${view.processed_rows} rss ${(m.rss / 1048576).toFixed(0)} heap ${(m.heapTotal / 1048576).toFixed(0)} ext ${(m.external / 1048576).toFixed(0)}`);
      }
      if (statuses.includes(view.status as string)) return view;
      if (['failed', 'cancelled', 'completed'].includes(view.status as string)) throw new Error(`import ended ${view.status}: ${JSON.stringify(view.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await poll(['ready']);
  const previewed = performance.now();
  phasePeaks.preview = takePeak();
  if (previewOnly) return { uploadMs: uploaded - started, previewMs: previewed - uploaded, totalMs: previewed - started, view: {} };
  const start = await fetch(`${baseUrl}/api/console/apps/${appId}/imports/${id}/start`, { method: 'POST', headers: auth });
  if (start.status !== 202) throw new Error(`start: ${start.status} ${await start.text()}`);
  const view = await poll(['completed']);
  phasePeaks.run = takePeak();
  return { uploadMs: uploaded - started, previewMs: previewed - uploaded, totalMs: performance.now() - started, view };
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop: stopEmbedded } = await benchDatabase('import');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const config = parseConfig({
    DATABASE_URL: databaseUrl,
    ROSTER_DB_SCHEMA: schema,
    ROSTER_DATA_DIR: path.join(workDir, 'data'),
    PORT: String(port),
    LOG_LEVEL: 'silent',
    IMPORT_MAX_BYTES: '1GB',
    IMPORT_VALIDATION_THREADS: process.env.IMPORT_VALIDATION_THREADS ?? '0',
    ROSTER_SECRET: randomBytes(24).toString('hex'),
  });
  const database = connectDatabase(databaseUrl, { schema });
  const ctx = await createContext(config, database, { schema, maintenance: true, log: { info: (line: string) => (line.includes(': validated ') ? phaseLines.push(line) : process.env.IMPORT_BENCH_TRACE && console.log(line)), warn: console.warn, error: console.error } });
  await ctx.jobs.start(allJobs);
  await ctx.jobs.work(allJobs, ctx);
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;

  const results: string[] = [];
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    await createOperator(ctx.db, { orgId: org.id, email, role: 'OWNER', name: 'Bench', password: randomBytes(12).toString('hex') });
    const { token } = await createConsoleToken(ctx.db, email);
    await prepareBaselines(database.pool);

    const warmFile = path.join(workDir, 'warm-up.csv');
    await generateImportFile(warmFile, 10_000);
    const warmApp = await createApplication(ctx.db, org.id, 'Warm-up');
    await importThroughApi(baseUrl, token, warmApp.id, warmFile);
    console.log(`Node ${process.version}, ${os.availableParallelism()} CPUs, PostgreSQL ${databaseUrl === process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}, validation threads ${config.IMPORT_VALIDATION_THREADS || 'auto'}, load average ${os.loadavg()[0]!.toFixed(1)}\n`);

    for (const rows of sizes) {
      const file = path.join(workDir, `users-${rows}.csv`);
      await generateImportFile(file, rows);
      const mb = statSync(file).size / 1024 / 1024;
      const application = await createApplication(ctx.db, org.id, `Bench ${rows}`);
      if (previewOnly) {
        results.push(await previewLine(database.pool, baseUrl, token, application.id, file, rows, mb, databaseUrl, schema));
        rmSync(file, { force: true });
        continue;
      }
      const baselineMs = await runBaseline('users-like', databaseUrl, schema, application.id, file);
      const plainMs = await runBaseline('plain', databaseUrl, schema, application.id, file);
      const rssBefore = process.memoryUsage.rss();
      takePeak();
      const times = await importThroughApi(baseUrl, token, application.id, file);
      const rss = Math.max(phasePeaks.preview, phasePeaks.run) / 1024 / 1024;
      const { view } = times;
      const line =
        `${rows.toLocaleString('en')} rows (${mb.toFixed(1)} MB): Roster ${(times.totalMs / 1000).toFixed(2)} s ` +
        `(upload ${(times.uploadMs / 1000).toFixed(2)} s, preview ${(times.previewMs / 1000).toFixed(2)} s, run ${((times.totalMs - times.uploadMs - times.previewMs) / 1000).toFixed(2)} s) · ` +
        `${((times.totalMs * 1000) / rows).toFixed(1)} µs/row · baseline (users-like + ledger) ${(baselineMs / 1000).toFixed(2)} s, ratio ${(times.totalMs / baselineMs).toFixed(2)}× · plain table ${(plainMs / 1000).toFixed(2)} s, ratio ${(times.totalMs / plainMs).toFixed(2)}× · peak RSS ${rss.toFixed(0)} MB (upload+preview ${(phasePeaks.preview / 1048576).toFixed(0)}, run ${(phasePeaks.run / 1048576).toFixed(0)}, ${(rssBefore / 1048576).toFixed(0)} before) · ` +
        `created ${view.created}, skipped ${view.skipped}, invalid ${view.invalid_rows}`;
      console.log(line);
      results.push(line);
      rmSync(file, { force: true });
    }
    if (ledgerArguments.rows > 0 && !previewOnly) {
      const operator = await ctx.db.selectFrom('operators').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      const line = await ledgerBench({ ctx, baseUrl, token, orgId: org.id, operatorId: operator.id, workDir, upload: uploadImportFile }, ledgerArguments.rows, ledgerArguments.reps);
      console.log(line);
      results.push(line);
    }
    console.log(`\nmaxRSS of this process over the whole run (Roster, the HTTP client, the baseline's COPY client): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await app.close();
    await closeContext(ctx);
    await dropBenchSchemas(databaseUrl, schema);
    await stopEmbedded();
    rmSync(workDir, { recursive: true, force: true });
  }
  await once(process, 'beforeExit').catch(() => {});
}

/** Upload → ready, beside a COPY of the same file into an unindexed staging table, with the job's phases. */
async function previewLine(pool: pg.Pool, baseUrl: string, token: string, appId: string, file: string, rows: number, mb: number, databaseUrl: string, schema: string): Promise<string> {
  const baselineCpu = { backendMs: 0 };
  const copyMs = await runBaseline('staging', databaseUrl, schema, appId, file, baselineCpu);
  takePeak();
  const cpuBefore = processCpu();
  const pgBefore = await backendCpu(pool, `roster:${process.pid}`);
  const times = await importThroughApi(baseUrl, token, appId, file);
  const cpuAfter = processCpu();
  const pg = grownMs(pgBefore, await backendCpu(pool, `roster:${process.pid}`));
  const threads = grownMs(cpuBefore.threads, cpuAfter.threads);
  const jobThread = (cpuAfter.threads.get(process.pid) ?? 0) - (cpuBefore.threads.get(process.pid) ?? 0);
  const reader = cpuAfter.children - cpuBefore.children;
  const totalCpu = threads.total + reader + pg.total;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const cpuLine =
    `CPU: job's thread ${s(jobThread)}, other threads ${s(threads.total - jobThread)} (${threads.parts.filter((ms) => ms !== jobThread).slice(0, 3).map(s).join(', ')}), reader process ${s(reader)}, ` +
    `PostgreSQL ${s(pg.total)} = ${s(totalCpu)} · baseline COPY's backend ${s(baselineCpu.backendMs)} · CPU ratio ${(totalCpu / baselineCpu.backendMs).toFixed(2)}×`;
  const line =
    `${rows.toLocaleString('en')} rows (${mb.toFixed(1)} MB), load ${os.loadavg()[0]!.toFixed(1)}: upload → ready ${(times.totalMs / 1000).toFixed(2)} s ` +
    `(upload ${(times.uploadMs / 1000).toFixed(2)} s, preview ${(times.previewMs / 1000).toFixed(2)} s) · COPY into staging ${(copyMs / 1000).toFixed(2)} s · ` +
    `ratio ${(times.totalMs / copyMs).toFixed(2)}× · peak RSS ${(phasePeaks.preview / 1048576).toFixed(0)} MB\n  ${cpuLine}\n  job: ${phaseLines.at(-1) ?? '(no phase line)'}`;
  console.log(line);
  return line;
}

runBench(main);
