import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kysely, PostgresDialect, sql } from 'kysely';
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
    // pg_stat_activity tells which process holds a connection (operators, and the chaos suite, use it).
    application_name: `roster:${process.pid}`,
    // While the server is away a request fails fast (503) instead of queueing for ever.
    connectionTimeoutMillis: 10_000,
  });
  guardPoolErrors(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, url, schema, close: () => db.destroy() };
}

/**
 * A pg client whose server goes away emits 'error'; with nobody listening that ends the process. The pool
 * listens only while a client is idle, so every client also gets its own listener for the time it is
 * checked out (a transaction between statements, a COPY): the statement in flight, or the next one,
 * fails with the same error and the caller sees it there.
 */
export function guardPoolErrors(pool: pg.Pool): void {
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

interface MigrationModule {
  up(db: Kysely<any>): Promise<void>;
}

async function migrationFiles(): Promise<string[]> {
  return (await fs.readdir(migrationsFolder)).filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')).sort();
}

/**
 * Brings the schema up to date: each migration file not yet recorded in roster_migrations runs in its
 * own transaction with its record. A session advisory lock keeps two starting processes from racing.
 * (Kysely's Migrator introspects every table of the database, which fails while other schemas are
 * being dropped, so Roster keeps this small loop instead.)
 */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const client = await handle.pool.connect();
  const lockKey = `roster:migrate:${handle.schema}`;
  try {
    if (handle.schema !== 'public') await createSchemaIfMissing(client, handle.schema);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      const table = `${pg.escapeIdentifier(handle.schema)}.roster_migrations`;
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = new Set((await client.query<{ name: string }>(`SELECT name FROM ${table}`)).rows.map((row) => row.name));
      const newlyApplied: string[] = [];
      for (const file of await migrationFiles()) {
        const name = file.replace(/\.(ts|js)$/, '');
        if (applied.has(name)) continue;
        const migration = (await import(pathToFileURL(path.join(migrationsFolder, file)).href)) as MigrationModule;
        await handle.db.transaction().execute(async (trx) => {
          await migration.up(trx);
          await sql`INSERT INTO ${sql.table(`${handle.schema}.roster_migrations`)} (name) VALUES (${name})`.execute(trx);
        });
        newlyApplied.push(name);
      }
      return newlyApplied;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    client.release();
  }
}

/** Catalog updates can collide with other DDL running at the same moment: try a few times before giving up. */
async function createSchemaIfMissing(client: pg.PoolClient, schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
      return;
    } catch (error) {
      if (attempt >= 4) throw new Error(`could not create schema ${schema}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

export { databaseIsReachable } from './database-availability.ts';
