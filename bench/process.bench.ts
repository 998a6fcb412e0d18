/**
 * The real process: `roster start` run from dist/ (what production runs) in a child process, and
 * measured from /proc, each figure beside a baseline taken in the same run:
 *   - idle RSS some seconds after start-up, against a bare `node` process kept alive;
 *   - a CLI command (`roster token create`, `roster --help`) while the server runs, against
 *     `node -e ''` (median of 5 each, alternating);
 *   - peak RSS (VmHWM, reset before each) during an import of N rows, upload → completed, and during
 *     an export of those users, request → completed.
 *
 *   npm run bench:process                                   (100,000 rows; DATABASE_URL or the embedded server)
 *   npm run bench:process -- --rows 1000000
 *   PROCESS_BENCH_NODE_OPTIONS="" npm run bench:process      (NODE_OPTIONS for the server and the CLI instead of
 *                                                            the --max-semi-space-size=2 that `npm start` and `roster` use)
 *
 * Linux only (/proc). The server's own start-up flags (bin/roster.js) apply as in production.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/global-setup.ts';
import { argument, dropBenchSchemas, runBench } from './bench-support.ts';
import { generateImportFile, uploadImportFile } from './import-file.ts';

const rows = argument('rows', 100_000);
const idleSeconds = argument('idle-seconds', 10);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A field of /proc/PID/status in bytes (VmRSS: now; VmHWM: peak since start or the last reset). */
function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

/** Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Runs a command to its end; returns its wall time and stdout. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve({ ms: performance.now() - started, stdout }) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('bench:process reads /proc: Linux only');
  const built = spawnSync(process.execPath, ['scripts/build-server.js'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build:server failed: ${built.stderr}`);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'roster-process-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_OPTIONS: process.env.PROCESS_BENCH_NODE_OPTIONS ?? '',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, ROSTER_DB_SCHEMA: schema } : {}),
    ROSTER_DATA_DIR: path.join(workDir, 'data'),
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    ROSTER_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    IMPORT_MAX_BYTES: '1GB',
  };
  // As `npm start` and the `roster` program run it (bin/roster.js's shebang), unless flags are given.
  const nodeFlags = process.env.PROCESS_BENCH_NODE_OPTIONS === undefined ? ['--max-semi-space-size=2'] : [];
  const server = spawn(process.execPath, [...nodeFlags, 'bin/roster.js', 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000));
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  const pid = server.pid!;
  try {
    const startedAt = performance.now();
    await waitFor('the server to be ready', async () => ((await fetch(`${baseUrl}/readyz`)).status === 200 ? true : undefined), 180_000);
    const readyMs = performance.now() - startedAt;
    await sleep(idleSeconds * 1000);
    const idleRss = statusBytes(pid, 'VmRSS');

    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await sleep(1000);
    const bareRss = statusBytes(bare.pid!, 'VmRSS');
    bare.kill();

    const cli = { bare: [] as number[], token: [] as number[], help: [] as number[] };
    let token = '';
    for (let run = 0; run < 5; run++) {
      cli.bare.push((await timed(process.execPath, ['-e', ''], env)).ms);
      const created = await timed(process.execPath, [...nodeFlags, 'bin/roster.js', 'token', 'create', '--email', 'owner@example.com', '--json'], env);
      cli.token.push(created.ms);
      token = (JSON.parse(created.stdout) as { token: string }).token;
      cli.help.push((await timed(process.execPath, [...nodeFlags, 'bin/roster.js', '--help'], env)).ms);
    }

    const auth = { authorization: `Bearer ${token}` };
    const apps = (await (await fetch(`${baseUrl}/api/console/apps`, { headers: auth })).json()) as { results: { id: string }[] };
    const appId = apps.results[0]!.id;
    const file = path.join(workDir, 'users.csv');
    await generateImportFile(file, rows);

    const before = statusBytes(pid, 'VmRSS');
    resetPeak(pid);
    const importStarted = performance.now();
    const { id } = await uploadImportFile(`${baseUrl}/api/console/apps/${appId}/imports?file_name=users.csv`, auth, file);
    const importView = (status: string) => async () => {
      const view = (await (await fetch(`${baseUrl}/api/console/apps/${appId}/imports/${id}`, { headers: auth })).json()) as { status: string; error?: unknown };
      if (['failed', 'cancelled'].includes(view.status)) throw new Error(`import ${view.status}: ${JSON.stringify(view.error)}`);
      return view.status === status ? view : undefined;
    };
    await waitFor('the preview', importView('ready'), 3_600_000, 50);
    const previewPeak = statusBytes(pid, 'VmHWM');
    resetPeak(pid);
    const start = await fetch(`${baseUrl}/api/console/apps/${appId}/imports/${id}/start`, { method: 'POST', headers: auth });
    if (start.status !== 202) throw new Error(`start: ${start.status} ${await start.text()}`);
    await waitFor('the run', importView('completed'), 3_600_000, 50);
    const importMs = performance.now() - importStarted;
    const runPeak = statusBytes(pid, 'VmHWM');
    const importPeak = Math.max(previewPeak, runPeak);

    const exportBefore = statusBytes(pid, 'VmRSS');
    resetPeak(pid);
    const exportStarted = performance.now();
    const requested = await fetch(`${baseUrl}/api/console/apps/${appId}/exports`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    if (requested.status !== 202) throw new Error(`export: ${requested.status} ${await requested.text()}`);
    const exportId = ((await requested.json()) as { id: string }).id;
    const exported = await waitFor(
      'the export',
      async () => {
        const view = (await (await fetch(`${baseUrl}/api/console/apps/${appId}/exports/${exportId}`, { headers: auth })).json()) as { status: string; row_count: number | null; error: string | null };
        if (view.status === 'failed') throw new Error(`export failed: ${view.error}`);
        return view.status === 'completed' ? view : undefined;
      },
      3_600_000,
      50,
    );
    const exportMs = performance.now() - exportStarted;
    const exportPeak = statusBytes(pid, 'VmHWM');

    const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; PostgreSQL ${process.env.DATABASE_URL ? 'from DATABASE_URL' : 'embedded'}; server flags "${[...nodeFlags, env.NODE_OPTIONS].join(' ').trim()}"; ready in ${s(readyMs)}\n`);
    console.log('| measure | Roster | baseline (same run) | ratio | target |');
    console.log('|---|---:|---:|---:|---|');
    console.log(`| idle RSS, ${idleSeconds} s after ready | ${mb(idleRss)} | bare node ${mb(bareRss)} | ${(idleRss / bareRss).toFixed(2)}× | ≤ 100 MB ${idleRss <= 100 * MB ? 'met' : 'MISSED'} |`);
    for (const [label, times] of [['`roster token create` while serving', cli.token], ['`roster --help`', cli.help]] as const) {
      console.log(`| ${label} (median of 5) | ${s(median(times))} | \`node -e ''\` ${s(median(cli.bare))} | ${(median(times) / median(cli.bare)).toFixed(2)}× | ≤ 0.5 s ${median(times) <= 500 ? 'met' : 'MISSED'} |`);
    }
    console.log(`| peak RSS, import ${rows.toLocaleString('en')} rows (${s(importMs)}, ${((importMs * 1000) / rows).toFixed(1)} µs/row) | ${mb(importPeak)} (upload + preview ${mb(previewPeak)}, run ${mb(runPeak)}) | ${mb(before)} before | ${(importPeak / before).toFixed(2)}× | ≤ 150 MB ${importPeak <= 150 * MB ? 'met' : 'MISSED'} |`);
    console.log(`| peak RSS, export ${exported.row_count!.toLocaleString('en')} rows (${s(exportMs)}) | ${mb(exportPeak)} | ${mb(exportBefore)} before | ${(exportPeak / exportBefore).toFixed(2)}× | ≤ 150 MB ${exportPeak <= 150 * MB ? 'met' : 'MISSED'} |`);
    console.log(`\nfile: ${(statSync(file).size / MB).toFixed(1)} MB`);
  } catch (error) {
    console.error(`server output (last lines):\n${log}`);
    throw error;
  } finally {
    server.kill('SIGTERM');
    await exited;
    if (process.env.DATABASE_URL) {
      await dropBenchSchemas(process.env.DATABASE_URL, schema);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

runBench(main);
