/**
 * Hostile import files benchmark: how /healthz answers while Roster reads files built to hurt it (issue
 * #9, finding 3), as a ratio to /healthz on the same server idle, measured in the same run. On the old
 * main a row of 2.5 M empty fields made /healthz wait 6.46 s. The test (imports.hostile-files.test.ts)
 * checks what is deterministic: health answers throughout, the file's outcome, the preview's size.
 *
 *   npm run bench:hostile-files                    (the finding's sizes: 2,500,000 fields, 500,000 commas)
 *   npm run bench:hostile-files -- --fields 250000 --commas 50000     (the CI size, bench/smoke.sh)
 *
 * Roster (HTTP and the job worker) runs in this process on a free port; the file goes up over real
 * HTTP from this process too, as the finding's client sent it. /healthz is asked every 20 ms while the
 * file is uploaded, validated and its preview read; then, for as long again, with nothing else going on.
 * Printed: p50, p95 and the slowest answer of each stretch, and busy ÷ idle.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { allJobs } from '../src/features/index.ts';
import { createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { freePort } from '../test/global-setup.ts';
import { argument, benchDatabase, dropBenchSchemas, runBench } from './bench-support.ts';

const fields = argument('fields', 2_500_000);
const commas = argument('commas', 500_000);
const POLL_MS = 20;

function healthzMs(port: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz' }, (response) => {
      response.resume();
      response.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every /healthz latency seen while `work` runs (at least a few). */
async function healthzDuring(port: number, work: () => Promise<void>): Promise<number[]> {
  let done = false;
  const latencies: number[] = [];
  const poller = (async () => {
    while (!done || latencies.length < 5) {
      latencies.push(await healthzMs(port));
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();
  try {
    await work();
  } finally {
    done = true;
    await poller;
  }
  return latencies;
}

function summary(latencies: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop: stopEmbedded } = await benchDatabase('hostile-files');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const config = parseConfig({
    DATABASE_URL: databaseUrl,
    ROSTER_DB_SCHEMA: schema,
    ROSTER_DATA_DIR: path.join(workDir, 'data'),
    PORT: String(port),
    LOG_LEVEL: 'silent',
    ROSTER_SECRET: randomBytes(24).toString('hex'),
  });
  const database = connectDatabase(databaseUrl, { schema });
  const ctx = await createContext(config, database, { schema, maintenance: true, log: { info: () => {}, warn: console.warn, error: console.error } });
  await ctx.jobs.start(allJobs);
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  await ctx.jobs.work(allJobs, ctx);
  const base = `http://127.0.0.1:${port}`;
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const application = await createApplication(ctx.db, org.id, 'Bench application');
    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    await createOperator(ctx.db, { orgId: org.id, email, role: 'ADMIN', name: 'Bench admin', password: randomBytes(12).toString('hex') });
    const { token } = await createConsoleToken(ctx.db, email);
    const auth = { authorization: `Bearer ${token}` };
    const imports = `${base}/api/console/apps/${application.id}/imports`;

    const importFile = async (body: string): Promise<string> => {
      const upload = await fetch(imports, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body });
      if (upload.status !== 201) throw new Error(`upload answered ${upload.status}: ${await upload.text()}`);
      const { id } = (await upload.json()) as { id: string };
      for (;;) {
        const view = (await (await fetch(`${imports}/${id}`, { headers: auth })).json()) as { status: string; error: { code: string } | null };
        if (view.status !== 'validating') {
          if (view.status === 'ready') await (await fetch(`${imports}/${id}/rows?limit=1`, { headers: auth })).arrayBuffer();
          return view.status === 'failed' ? `failed (${view.error?.code})` : view.status;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    // Validation threads start on the first large file (and compile for seconds under tsx): start them first.
    await importFile(`vendor_data,email\n${Array.from({ length: 20_000 }, (_, index) => `warm-${index},w${index}@example.com`).join('\n')}\n`);
    console.log(`Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; PostgreSQL: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}\n`);

    const files: [string, string][] = [
      [`a row of ${fields.toLocaleString('en')} empty fields (${((fields * 3) / 1e6).toFixed(1)} MB)`, `vendor_data,email\nu-1,a@example.com${',""'.repeat(fields)}\nu-2,b@example.com\n`],
      [`a header of ${commas.toLocaleString('en')} commas`, `vendor_data${','.repeat(commas)}\nu-1\n`],
    ];
    console.log('| file | outcome | busy p50 / p95 / max (ms) | idle p50 / p95 / max (ms) | slowest busy ÷ slowest idle | p95 busy ÷ p95 idle |');
    console.log('|---|---|---|---|---|---|');
    for (const [label, body] of files) {
      let outcome = '';
      const started = performance.now();
      const busy = summary(await healthzDuring(port, async () => void (outcome = await importFile(body))));
      const elapsed = performance.now() - started;
      const idle = summary(await healthzDuring(port, () => new Promise((resolve) => setTimeout(resolve, elapsed))));
      const ms = (s: { p50: number; p95: number; max: number }) => `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)} / ${s.max.toFixed(1)}`;
      console.log(`| ${label} | ${outcome} in ${(elapsed / 1000).toFixed(1)} s | ${ms(busy)} | ${ms(idle)} | ${(busy.max / idle.max).toFixed(1)}× | ${(busy.p95 / idle.p95).toFixed(1)}× |`);
    }
  } finally {
    await app.close();
    await closeContext(ctx);
    await dropBenchSchemas(databaseUrl, schema);
    await stopEmbedded();
    rmSync(workDir, { recursive: true, force: true });
  }
}

runBench(main);
