/** Small helpers the benchmarks share. */
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { freePort } from '../test/global-setup.ts';

/** `--name N` from the command line, a positive whole number, or `fallback`. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

/** Drops a bench's schema and its job queue's schema (`<schema>_jobs`) on a fresh connection. */
export async function dropBenchSchemas(databaseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE; DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(`${schema}_jobs`)} CASCADE`).catch(() => {});
  await admin.end();
}

/** Runs a bench's main and exits (open handles such as pools would otherwise keep the process alive). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * A work folder (readable by the postgres user, as the embedded server needs) and the database to use:
 * DATABASE_URL when set, else an embedded server started in the folder; `stop` stops that server.
 */
export async function benchDatabase(label: string): Promise<{ workDir: string; databaseUrl: string; stop: () => Promise<void> }> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), `roster-${label}-bench-`));
  chmodSync(workDir, 0o755);
  if (process.env.DATABASE_URL) return { workDir, databaseUrl: process.env.DATABASE_URL, stop: async () => {} };
  const pgDir = path.join(workDir, 'pg-root');
  mkdirSync(pgDir, { mode: 0o755 });
  const embedded = await openEmbeddedDatabase(pgDir, await freePort());
  return { workDir, databaseUrl: embedded.url, stop: () => embedded.stop() };
}
