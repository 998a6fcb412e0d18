import { spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** The OS account PostgreSQL runs as: ours, or `postgres` when we are root (the server refuses root). */
export interface ServerAccount {
  uid?: number;
  gid?: number;
}

export function serverAccount(): ServerAccount {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new Error('running as root, PostgreSQL needs an unprivileged `postgres` OS user: create it (useradd --system postgres) or run Roster as another user');
  }
  return { uid, gid };
}

export interface PostgresServerOptions {
  /** Folder holding `initdb` and `postgres`. */
  binDir: string;
  clusterDir: string;
  port: number;
  /** Superuser password (scram-sha-256); the cluster gets no password-less access. */
  password: string;
  account: ServerAccount;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

/**
 * One PostgreSQL cluster run from its binaries: initdb, start (detached, logging to a file beside the
 * cluster, so it outlives a crash of this process and other processes can attach to it), stop, and a
 * supervisor that starts it again when it dies. Used for the embedded default and by the fault tests.
 */
export class PostgresServer {
  private supervisor: NodeJS.Timeout | undefined;
  private stopping = false;
  readonly logFile: string;

  constructor(readonly options: PostgresServerOptions) {
    this.logFile = `${options.clusterDir}.log`;
  }

  get url(): string {
    return this.urlFor('postgres');
  }

  urlFor(database: string): string {
    return `postgres://postgres:${encodeURIComponent(this.options.password)}@127.0.0.1:${this.options.port}/${database}`;
  }

  isInitialised(): boolean {
    return existsSync(path.join(this.options.clusterDir, 'PG_VERSION'));
  }

  /** Creates the cluster. The password goes through a 0600 file beside the cluster (not the system temp folder), removed at once. */
  async initialise(): Promise<void> {
    const { binDir, clusterDir, account } = this.options;
    const passwordFile = `${clusterDir}.pwfile`;
    writeFileSync(passwordFile, `${this.options.password}\n`, { mode: 0o600 });
    try {
      if (account.uid !== undefined) chownSync(passwordFile, account.uid, account.gid!);
      const result = spawnSync(
        path.join(binDir, 'initdb'),
        [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--no-sync'],
        { ...account, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
      );
      if (result.error) throw new Error(`initdb could not run: ${result.error.message}`);
      if (result.status !== 0) throw new Error(`initdb failed: ${lastLines(`${result.stderr}\n${result.stdout}`, 3)}`);
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  /** The pid of a live postmaster on this cluster (ours or another process's), from postmaster.pid. */
  runningPid(): number | null {
    return runningPostmaster(this.options.clusterDir)?.pid ?? null;
  }

  /** Starts the server and resolves once it accepts connections. */
  async start(timeoutMs = 60_000): Promise<void> {
    const { binDir, clusterDir, port, account } = this.options;
    const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: clusterDir, ...this.options.settings };
    const logFd = openSync(this.logFile, 'a', 0o600);
    if (account.uid !== undefined) chownSync(this.logFile, account.uid, account.gid!);
    let exited: string | undefined;
    try {
      const child = spawn(path.join(binDir, 'postgres'), ['-D', clusterDir, '-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])], {
        ...account,
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      child.unref();
      child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
      child.once('error', (error) => (exited = error.message));
    } finally {
      closeSync(logFd);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(`PostgreSQL ${exited}: ${lastLines(this.readLog(), 2)}`);
      if (await accepts(this.url)) return;
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${timeoutMs / 1000} s: ${lastLines(this.readLog(), 2)}`);
      await sleep(100);
    }
  }

  /**
   * Restarts the server whenever it is found dead (checked every second), with backoff, until stop().
   * Any process attached to the cluster may do this: PostgreSQL's lock file lets only one postmaster run.
   */
  supervise(onRestart: (outcome: string) => void): void {
    let failures = 0;
    let nextTry = 0;
    const check = async () => {
      if (this.stopping || Date.now() < nextTry || this.runningPid() !== null) return;
      try {
        await this.start();
        failures = 0;
        onRestart('started again after it stopped');
      } catch (error) {
        failures += 1;
        nextTry = Date.now() + Math.min(1000 * 2 ** failures, 15_000);
        // Another process may have started it in the meantime.
        if (this.runningPid() === null) onRestart(`could not be started again: ${(error as Error).message}`);
      }
    };
    let running = false;
    this.supervisor = setInterval(() => {
      if (running) return;
      running = true;
      check().finally(() => (running = false));
    }, 1_000);
    this.supervisor.unref();
  }

  /** `fast`: a clean shutdown. `immediate`: as a crash (recovery at the next start; unlogged tables emptied). */
  async stop(mode: 'fast' | 'immediate' = 'fast', timeoutMs = 30_000): Promise<void> {
    this.stopping = true;
    if (this.supervisor) clearInterval(this.supervisor);
    const pid = this.runningPid();
    if (pid === null) return;
    process.kill(pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const deadline = Date.now() + timeoutMs;
    while (isAlive(pid)) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within ${timeoutMs / 1000} s`);
      await sleep(50);
    }
  }

  /** Ends this process's supervisor without touching the server (which may be another process's). */
  detach(): void {
    this.stopping = true;
    if (this.supervisor) clearInterval(this.supervisor);
    this.supervisor = undefined;
  }

  /** Lets the supervisor (if any) run again after a deliberate stop. */
  resume(): void {
    this.stopping = false;
  }

  readLog(): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-20_000);
    } catch {
      return '';
    }
  }
}

/** postmaster.pid names the running server's pid (line 1) and port (line 4). */
export function runningPostmaster(clusterDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !isAlive(pid)) return null;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function lastLines(text: string, count: number): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const important = lines.filter((line) => /FATAL|ERROR|PANIC|could not|error/i.test(line));
  return (important.length > 0 ? important : lines).slice(-count).join(' | ') || 'no output';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
