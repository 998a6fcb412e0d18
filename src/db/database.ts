import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// Dates stay 'YYYY-MM-DD' strings (no time zone shift); bigint counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  url: string;
  /** The schema tables live in ('public' unless tests isolate themselves). */
  schema: string;
  close(): Promise<void>;
}

export function connectDatabase(url: string, options: { schema?: string; maxConnections?: number } = {}): DatabaseHandle {
  const schema = options.schema ?? 'public';
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 20,
    options: schema === 'public' ? undefined : `-c search_path=${schema}`,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url, schema, close: () => db.destroy() };
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

class FolderMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(migrationsFolder)).filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      migrations[file.replace(/\.(ts|js)$/, '')] = (await import(pathToFileURL(path.join(migrationsFolder, file)).href)) as Migration;
    }
    return migrations;
  }
}

/** Brings the schema up to date; a session advisory lock keeps two starting processes from racing. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const client = await handle.pool.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(handle.schema)}`).catch(() => {});
    await client.query(`SELECT pg_advisory_lock(hashtext('roster:migrate:' || $1::text))`, [handle.schema]);
    try {
      const migrator = new Migrator({ db: handle.db, provider: new FolderMigrationProvider(), migrationTableSchema: handle.schema });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('roster:migrate:' || $1::text))`, [handle.schema]);
    }
  } finally {
    client.release();
  }
}

export async function databaseIsReachable(handle: DatabaseHandle): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(handle.db);
    return true;
  } catch {
    return false;
  }
}
