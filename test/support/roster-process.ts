import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../global-setup.ts';

/**
 * The one harness for tests and benchmarks that start real `roster` processes (`node bin/roster.js …`):
 * `spawnRoster` for `start`/`serve`/`worker` on a given database, `startRosterProcess` for a first
 * `roster start` on a fresh data folder as a user runs it (the browser tests), `eventually` to wait.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RosterProcess {
  child: ChildProcess;
  command: 'start' | 'serve' | 'worker';
  url: string;
  /** Everything it printed so far. */
  output(): string;
  alive(): boolean;
  /** Resolves with the exit code (or signal name) once it ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL if it has not exited 15 s later; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `node bin/roster.js COMMAND` on a free port; resolves once it serves /healthz. `root` is the
 * checkout to run (a benchmark may run an earlier commit's beside this one).
 */
export async function spawnRoster(command: RosterProcess['command'], env: Record<string, string>, timeoutMs = 90_000, root = repoRoot): Promise<RosterProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['bin/roster.js', command], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: port, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  const process_: RosterProcess = {
    child,
    command,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    exited,
    async stop() {
      if (!process_.alive()) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  // `roster start` and `serve` print "Roster is serving on …" (plain text, whatever LOG_LEVEL), a worker "worker is running".
  const ready = command === 'worker' ? 'worker is running' : 'is serving on';
  while (!output.includes(ready)) {
    if (!process_.alive()) throw new Error(`roster ${command} exited before it started:\n${output}`);
    if (Date.now() > deadline) throw new Error(`roster ${command} did not start in ${timeoutMs / 1000} s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process_;
}

/** Thrown from an `eventually` check: the awaited state can no longer come (a job failed), so stop waiting now. */
export class GaveUp extends Error {}

/** Polls `check` until it returns a value other than undefined, or throws after the deadline (or at once on GaveUp). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GaveUp) throw new Error(`gave up waiting for ${what}: ${error.message}`);
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A first `roster start` on a fresh data folder, with the demo tenant's secrets read from its banner. */
export interface FirstStartRoster {
  url: string;
  dataDir: string;
  owner: { email: string; password: string };
  apiKey: string;
  appId: string;
  orgId: string;
  /** The embedded PostgreSQL's `roster` database, for set-ups too large to make through the API. */
  databaseUrl: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** Stops the process and deletes its data folder. */
  stop(): Promise<void>;
}

function bannerField(output: string, label: string): string {
  const match = new RegExp(`${label}:\\s+(\\S+)`).exec(output);
  if (!match) throw new Error(`Roster's first start did not print "${label}":\n${output}`);
  return match[1]!;
}

/**
 * Starts the real product the way a user does (`node bin/roster.js start`, embedded PostgreSQL) on a
 * fresh data folder and free ports, and reads the demo tenant's secrets from its first-start banner.
 * `extraEnv` adds settings a test needs (a webhook to 127.0.0.1 needs WEBHOOK_ALLOW_PRIVATE_NETWORKS).
 */
export async function startRosterProcess(extraEnv: Record<string, string> = {}): Promise<FirstStartRoster> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-browser-'));
  // The embedded PostgreSQL runs as the postgres OS user when we are root: it must reach the folder.
  chmodSync(dataDir, 0o755);
  const pgPort = await freePort();
  const roster = await spawnRoster('start', {
    NODE_ENV: 'production',
    DATABASE_URL: '',
    ROSTER_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    // Small chunks keep a 60,000-row run going for a few seconds, so progress and cancel can be watched.
    ROSTER_IMPORT_CHUNK_ROWS: '1000',
    ...extraEnv,
  });
  const output = roster.output();
  // The embedded server's superuser password and port, kept in the data folder (src/db/embedded-postgres.ts).
  const embedded = JSON.parse(readFileSync(path.join(dataDir, 'embedded-postgres.json'), 'utf8')) as { password: string; port?: number };
  return {
    url: roster.url,
    dataDir,
    owner: { email: bannerField(output, 'Login'), password: bannerField(output, 'Password') },
    apiKey: bannerField(output, 'API key'),
    appId: /application ([0-9a-f-]{36})/.exec(output)?.[1] ?? bannerField(output, 'application'),
    orgId: bannerField(output, 'Organization'),
    databaseUrl: `postgres://postgres:${encodeURIComponent(embedded.password)}@127.0.0.1:${embedded.port ?? pgPort}/roster`,
    output: roster.output,
    async stop() {
      await roster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a test's in-process Roster (test/harness.ts) is configured with. */
interface SharedRoster {
  databaseUrl: string;
  schema: string;
  dataDir: string;
  config: { ROSTER_SECRET: string; PUBLIC_URL: string };
}

/** The environment for a `roster` process on the same schema, data folder and secret as a test's in-process Roster. */
export function sameRosterEnv(roster: SharedRoster, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: roster.databaseUrl,
    ROSTER_DB_SCHEMA: roster.schema,
    ROSTER_DATA_DIR: roster.dataDir,
    ROSTER_SECRET: roster.config.ROSTER_SECRET,
    PUBLIC_URL: roster.config.PUBLIC_URL,
    ...extra,
  };
}

/** What a one-shot `roster` command printed and how it ended. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `roster ARGS` to its end without blocking the event loop (so watchers in the test keep polling). */
export function runRosterCommand(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/roster.js', ...args], { cwd: repoRoot, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
    if (input !== undefined) child.stdin!.end(input);
    child.once('exit', (status) => resolve({ status, stdout: stdout.trim(), stderr: stderr.trim() }));
  });
}
