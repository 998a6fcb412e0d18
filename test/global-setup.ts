import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Tests use DATABASE_URL when set, else a throwaway embedded PostgreSQL, as `npm test` promises. */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL);
    return;
  }
  // A private folder is fine even as root: the cluster then lives where the postgres OS user can reach it.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-test-pg-'));
  const database = await openEmbeddedDatabase(dataDir, await freePort());
  project.provide('databaseUrl', database.url);
  return async () => {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (database.server.options.clusterDir !== path.join(dataDir, 'pg')) {
      rmSync(database.server.options.clusterDir, { recursive: true, force: true });
      rmSync(database.server.logFile, { force: true });
    }
  };
}
