/**
 * What the change feed costs an import (issue 21: at most 1.1×): the same CSV imported through the HTTP
 * API into two applications of one Roster, one whose feed rows are written as always and one whose feed
 * rows are dropped before they are stored (a BEFORE INSERT trigger on user_changes for that application
 * only, returning NULL). Everything else is the same in both: the ledger, the counter, the SELECT that
 * builds each change; the difference is the rows the feed stores (their user_json, change_head and key).
 * Runs alternate which goes first; the median of each is reported. Wall time includes the import's waits
 * between chunks (the worker takes turns between organizations' jobs), so the CPU time both sides spend
 * is reported too: this process (Roster's server and worker) plus the embedded PostgreSQL cluster, which
 * serves only this bench (not measured with DATABASE_URL, whose server others share).
 *
 *   npm run bench:feed-import -- --rows 1000000 [--runs 1]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:feed-import -- --rows 20000
 *
 * Results: bench/RESULTS.md, "Change feed: cost on an import".
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { allJobs } from '../src/features/index.ts';
import { freePort } from '../test/global-setup.ts';
import { argument, benchDatabase, clusterCpuMs, dropBenchSchemas, findPostmaster, runBench } from './bench-support.ts';
import { generateImportFile, uploadImportFile } from './import-file.ts';

const rows = argument('rows', 1_000_000);
const runs = argument('runs', 1);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = () => os.loadavg()[0]!.toFixed(1);

/** Upload → preview → start → completed through the console API; returns the milliseconds it took. */
async function importFile(baseUrl: string, auth: Record<string, string>, appId: string, file: string): Promise<number> {
  const started = performance.now();
  const { id } = await uploadImportFile(`${baseUrl}/api/console/apps/${appId}/imports?file_name=${path.basename(file)}`, auth, file);
  const waitFor = async (wanted: string) => {
    for (;;) {
      const view = (await (await fetch(`${baseUrl}/api/console/apps/${appId}/imports/${id}`, { headers: auth })).json()) as { status: string; error: unknown };
      if (view.status === wanted) return;
      if (['failed', 'cancelled', 'completed'].includes(view.status)) throw new Error(`import ended ${view.status}: ${JSON.stringify(view.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitFor('ready');
  if (process.env.FEED_IMPORT_TRACE) console.log(`  preview ready after ${((performance.now() - started) / 1000).toFixed(2)} s`);
  const start = await fetch(`${baseUrl}/api/console/apps/${appId}/imports/${id}/start`, { method: 'POST', headers: auth });
  if (start.status !== 202) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  await waitFor('completed');
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop } = await benchDatabase('feed-import');
  const postmaster = process.env.DATABASE_URL ? null : findPostmaster(path.join(workDir, 'pg-root'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const config = parseConfig({
    DATABASE_URL: databaseUrl,
    ROSTER_DB_SCHEMA: schema,
    ROSTER_DATA_DIR: path.join(workDir, 'data'),
    PORT: String(port),
    LOG_LEVEL: 'silent',
    IMPORT_MAX_BYTES: '1GB',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    ROSTER_SECRET: randomBytes(24).toString('hex'),
  });
  const database = connectDatabase(databaseUrl, { schema });
  const ctx = await createContext(config, database, { schema, maintenance: true, log: { info: () => {}, warn: console.warn, error: console.error } });
  await ctx.jobs.start(allJobs);
  await ctx.jobs.work(allJobs, ctx);
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    await createOperator(ctx.db, { orgId: org.id, email, role: 'OWNER', name: 'Bench', password: randomBytes(12).toString('hex') });
    const auth = { authorization: `Bearer ${(await createConsoleToken(ctx.db, email)).token}` };

    const warmFile = path.join(workDir, 'warm-up.csv');
    await generateImportFile(warmFile, 10_000);
    await importFile(baseUrl, auth, (await createApplication(ctx.db, org.id, 'Warm-up')).id, warmFile);
    const file = path.join(workDir, 'users.csv');
    await generateImportFile(file, rows);
    console.log(`${rows.toLocaleString('en')}-row file; Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${load()}`);

    const withFeed: number[] = [];
    const withoutRows: number[] = [];
    const cpu = { with: [] as number[], without: [] as number[] };
    for (let run = 0; run < runs; run++) {
      const fed = await createApplication(ctx.db, org.id, `With the feed ${run}`);
      const unfed = await createApplication(ctx.db, org.id, `Without feed rows ${run}`);
      // Only this application's feed rows are dropped; the WHEN clause keeps the trigger off every other row.
      await sql`CREATE OR REPLACE FUNCTION bench_drop_feed_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`.execute(ctx.db);
      await sql.raw(`CREATE TRIGGER bench_drop_feed_rows_${run} BEFORE INSERT ON user_changes FOR EACH ROW WHEN (NEW.app_id = '${unfed.id}'::uuid) EXECUTE FUNCTION bench_drop_feed_row()`).execute(ctx.db);
      const order = run % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
      for (const which of order) {
        const clusterBefore = clusterCpuMs(postmaster);
        const processBefore = process.cpuUsage();
        const ms = await importFile(baseUrl, auth, which === 'with' ? fed.id : unfed.id, file);
        const own = process.cpuUsage(processBefore);
        const cpuMs = clusterBefore === null ? null : clusterCpuMs(postmaster)! - clusterBefore + (own.user + own.system) / 1000;
        (which === 'with' ? withFeed : withoutRows).push(ms);
        if (cpuMs !== null) cpu[which].push(cpuMs);
        console.log(`run ${run + 1}: ${which === 'with' ? 'with the feed' : 'without feed rows'} ${(ms / 1000).toFixed(2)} s${cpuMs === null ? '' : `, CPU ${(cpuMs / 1000).toFixed(2)} s (Roster ${((own.user + own.system) / 1e6).toFixed(2)} s)`}; load average ${load()}`);
      }
      const stored = await sql<{ fed: string; unfed: string }>`
        SELECT count(*) FILTER (WHERE app_id = ${fed.id}::uuid) AS fed, count(*) FILTER (WHERE app_id = ${unfed.id}::uuid) AS unfed FROM user_changes`.execute(ctx.db);
      if (Number(stored.rows[0]!.unfed) !== 0 || Number(stored.rows[0]!.fed) === 0) throw new Error(`feed rows: ${JSON.stringify(stored.rows[0])}`);
    }
    const ratio = median(withFeed) / median(withoutRows);
    console.log('');
    const cpuRatio = cpu.with.length > 0 ? median(cpu.with) / median(cpu.without) : null;
    const cpuCells = cpuRatio === null ? 'not measured (DATABASE_URL)' : `${(median(cpu.without) / 1000).toFixed(2)} s → ${(median(cpu.with) / 1000).toFixed(2)} s, ${cpuRatio.toFixed(2)}×`;
    console.log('| rows | import without feed rows | import with the feed | wall ratio | CPU (Roster + PostgreSQL) | load average |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${rows.toLocaleString('en')} | ${(median(withoutRows) / 1000).toFixed(2)} s | ${(median(withFeed) / 1000).toFixed(2)} s | ${ratio.toFixed(2)}× | ${cpuCells} | ${load()} |`);
    console.log(`target (issue 21): with the feed ≤ 1.1× — wall ${ratio <= 1.1 ? 'met' : 'MISSED'}${cpuRatio === null ? '' : `, CPU ${cpuRatio <= 1.1 ? 'met' : 'MISSED'}`}`);
  } finally {
    await app.close();
    await closeContext(ctx);
    await dropBenchSchemas(databaseUrl, schema);
    await stop();
  }
}

runBench(main);
