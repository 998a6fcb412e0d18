/**
 * PostgreSQL-only baselines for the import benchmark: what the database itself takes to load and
 * merge the same file, measured on the same server in the same run as Roster.
 *
 * - `users-like`: `COPY` into a staging table, one `INSERT … ON CONFLICT DO UPDATE` into a copy of
 *   Roster's own users table with all its indexes (`LIKE users INCLUDING ALL`, so every index
 *   Roster has, the search indexes too, costs on both sides), and one row per created or changed
 *   user into a side table `(user_id uuid, import_id uuid, changes jsonb)` standing for the ledger.
 * - `plain`: the same COPY and merge into a plain table (bigserial key, unique (app_id, vendor_data),
 *   no other index) and no side table: the floor.
 * - `staging`: only the COPY of the file into an unindexed, unlogged table of text columns (as
 *   import_rows is unlogged): the preview's baseline (`IMPORT_BENCH_PREVIEW=1`).
 */
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { backendCpuOfPid, onLinux } from './cpu-accounting.ts';

export type BaselineKind = 'users-like' | 'plain' | 'staging';

/** Creates the baseline tables once, in the schema the bench uses. */
export async function prepareBaselines(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE baseline_users (LIKE users INCLUDING ALL);
    CREATE TABLE baseline_ledger (user_id uuid NOT NULL, import_id uuid NOT NULL, changes jsonb NOT NULL);
    CREATE UNLOGGED TABLE baseline_staging (${stagingColumns});
    CREATE TABLE baseline_plain (
      id bigserial PRIMARY KEY, app_id uuid NOT NULL, vendor_data text NOT NULL, display_name text, full_name text, email text,
      phone text, country text, status text NOT NULL, tags text[] NOT NULL, metadata jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (app_id, vendor_data)
    )`);
}

const stagingColumns = 'vendor_data text, display_name text, full_name text, email text, phone text, country text, status text, tags text, metadata_json text';
const stagedValues = `vendor_data, display_name, full_name, email, phone, country, coalesce(nullif(status, ''), 'ACTIVE'),
  coalesce(string_to_array(nullif(tags, ''), ','), '{}'), coalesce(nullif(metadata_json, '')::jsonb, '{}')`;
const updateAll = `display_name = EXCLUDED.display_name, full_name = EXCLUDED.full_name, email = EXCLUDED.email, phone = EXCLUDED.phone,
  country = EXCLUDED.country, status = EXCLUDED.status, tags = EXCLUDED.tags, metadata = EXCLUDED.metadata, updated_at = now()`;

/** Loads `file` (CSV with the import template's header) the baseline's way; returns the milliseconds it took. `cpu` gets its backend's CPU ms. */
export async function runBaseline(kind: BaselineKind, url: string, schema: string, appId: string, file: string, cpu?: { backendMs: number }): Promise<number> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(kind === 'plain' ? 'TRUNCATE baseline_plain' : kind === 'staging' ? 'TRUNCATE baseline_staging' : 'TRUNCATE baseline_users, baseline_ledger');
    const backend = onLinux ? (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid : 0;
    const backendBefore = backendCpuOfPid(backend);
    const started = performance.now();
    if (kind === 'staging') {
      await pipeline(createReadStream(file), client.query(copyFrom('COPY baseline_staging FROM STDIN (FORMAT csv, HEADER true)')));
      if (cpu) cpu.backendMs = backendCpuOfPid(backend) - backendBefore;
      return performance.now() - started;
    }
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE staging (${stagingColumns}) ON COMMIT DROP`);
    await pipeline(createReadStream(file), client.query(copyFrom('COPY staging FROM STDIN (FORMAT csv, HEADER true)')));
    if (kind === 'plain') {
      await client.query(
        `INSERT INTO baseline_plain AS u (app_id, vendor_data, display_name, full_name, email, phone, country, status, tags, metadata)
         SELECT $1, ${stagedValues} FROM staging
         ON CONFLICT (app_id, vendor_data) DO UPDATE SET ${updateAll}`,
        [appId],
      );
    } else {
      await client.query(
        `WITH merged AS (
           INSERT INTO baseline_users AS u (app_id, vendor_data, display_name, full_name, email, phone, country, status, tags, metadata)
           SELECT $1, ${stagedValues} FROM staging
           ON CONFLICT (app_id, vendor_data) DO UPDATE SET ${updateAll}
           RETURNING u.didit_internal_id, u.vendor_data, u.display_name, u.full_name, u.email, u.phone, u.country, u.status, u.tags, u.metadata
         )
         INSERT INTO baseline_ledger (user_id, import_id, changes)
         SELECT didit_internal_id, $2, jsonb_build_object(
                  'vendor_data', jsonb_build_object('from', null, 'to', vendor_data), 'display_name', jsonb_build_object('from', null, 'to', display_name),
                  'full_name', jsonb_build_object('from', null, 'to', full_name), 'email', jsonb_build_object('from', null, 'to', email),
                  'phone', jsonb_build_object('from', null, 'to', phone), 'country', jsonb_build_object('from', null, 'to', country),
                  'status', jsonb_build_object('from', null, 'to', status), 'tags', jsonb_build_object('from', null, 'to', tags),
                  'metadata', jsonb_build_object('from', null, 'to', metadata))
           FROM merged`,
        [appId, randomUUID()],
      );
    }
    await client.query('COMMIT');
    return performance.now() - started;
  } finally {
    await client.end();
  }
}
