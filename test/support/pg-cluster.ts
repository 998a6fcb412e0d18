import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PostgresServer, serverAccount } from '../../src/db/postgres-server.ts';
import { freePort } from '../global-setup.ts';

/** The system PostgreSQL 15 binaries (Debian's layout); fault tests crash a cluster of their own with them. */
export const systemPostgresBin = process.env.ROSTER_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function systemPostgresAvailable(): boolean {
  return existsSync(path.join(systemPostgresBin, 'initdb')) && existsSync(path.join(systemPostgresBin, 'postgres'));
}

export interface TestCluster {
  server: PostgresServer;
  /** postgres://…/roster on this cluster. */
  url: string;
  /** As a crash: SIGQUIT to the postmaster (crash recovery at the next start empties unlogged tables). */
  crash(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A throwaway PostgreSQL cluster this test owns: initdb, start, crash and start again at will. */
export async function startTestCluster(settings: Record<string, string> = {}): Promise<TestCluster> {
  // The server runs as `postgres` when the tests run as root: its folder must be reachable by it.
  const home = mkdtempSync(path.join(os.tmpdir(), 'roster-cluster-'));
  chmodSync(home, 0o755);
  const clusterDir = path.join(home, 'pg');
  const account = serverAccount();
  mkdirSync(clusterDir, { mode: 0o700 });
  if (account.uid !== undefined) (await import('node:fs')).chownSync(clusterDir, account.uid, account.gid!);
  const server = new PostgresServer({
    binDir: systemPostgresBin,
    clusterDir,
    port: await freePort(),
    password: randomBytes(12).toString('hex'),
    account,
    settings: { max_connections: '200', fsync: 'off', shared_buffers: '128MB', ...settings },
  });
  await server.initialise();
  await server.start();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE roster');
  await admin.end();
  return {
    server,
    url: server.urlFor('roster'),
    crash: () => server.stop('immediate'),
    start: async () => {
      server.resume();
      await server.start();
    },
    destroy: async () => {
      await server.stop('immediate').catch(() => {});
      rmSync(home, { recursive: true, force: true });
    },
  };
}
