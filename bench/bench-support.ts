/** Small helpers the benchmarks share. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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

/** Wall time on a shared machine depends on its other work; CPU time spent says how much work each side did. */
export function findPostmaster(pgDir: string): number | null {
  if (process.platform !== 'linux') return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const dataFlag = command.indexOf('-D');
      if (command[0].endsWith('/postgres') && dataFlag >= 0 && command[dataFlag + 1].startsWith(pgDir)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

/** CPU ms of the whole embedded server: the postmaster, the children it has reaped, and the live ones. */
export function clusterCpuMs(postmaster: number | null): number | null {
  if (postmaster === null) return null;
  const ticks = (pid: number | string, withChildren: boolean): { ppid: number; ticks: number } | null => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const own = Number(fields[11]) + Number(fields[12]);
      return { ppid: Number(fields[1]), ticks: withChildren ? own + Number(fields[13]) + Number(fields[14]) : own };
    } catch {
      return null;
    }
  };
  let total = ticks(postmaster, true)?.ticks ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === postmaster) continue;
    const child = ticks(entry, false);
    if (child?.ppid === postmaster) total += child.ticks;
  }
  return total * 10; // USER_HZ is 100 on Linux.
}
