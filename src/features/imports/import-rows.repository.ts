import type pg from 'pg';
import type { RowAction, RowError } from './imports.tables.ts';
import type { ExistingUser } from './row-classification.ts';

/**
 * SQL over the staging table import_rows. Plain pg (not Kysely) because it runs on dedicated
 * connections: COPY streams, session advisory locks, and validation threads with their own client.
 * Every query names the import, and the users queries the application.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export const importRowsCopySql =
  'COPY import_rows (import_id, row, line, cells, vendor_data, display_name, full_name, email, phone, country, status, tags, metadata, errors, action, fixes) FROM STDIN';

/** Whether the application has any user yet: an import into an empty one needs no lookups. */
export async function applicationHasUsers(db: Queryable, appId: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM users WHERE app_id = $1) AS found', [appId]);
  return rows[0]!.found;
}

export async function findExistingUsers(db: Queryable, appId: string, vendorData: string[]): Promise<Map<string, ExistingUser>> {
  const { rows } = await db.query<ExistingUser & { vendor_data: string }>(
    `SELECT vendor_data, display_name, full_name, email, phone, country, status, tags, metadata, verified_at IS NOT NULL AS verified
       FROM users WHERE app_id = $1 AND vendor_data = ANY($2::text[])`,
    [appId, vendorData],
  );
  return new Map(rows.map((row) => [row.vendor_data, row]));
}

export async function deleteImportRows(db: Queryable, importId: string): Promise<void> {
  await db.query('DELETE FROM import_rows WHERE import_id = $1', [importId]);
}

/**
 * A vendor_data repeated in the file: the first occurrence wins and later ones become invalid.
 * Done in SQL after the COPY so memory stays flat however many rows the file has.
 * Returns how many rows each former action lost to `skip`.
 */
export async function markDuplicateRows(db: Queryable, importId: string): Promise<Record<RowAction, number>> {
  const { rows } = await db.query<{ action: RowAction; rows: number }>(
    `WITH firsts AS (
       SELECT vendor_data, min(row) AS first_row FROM import_rows
        WHERE import_id = $1 AND vendor_data IS NOT NULL GROUP BY vendor_data HAVING count(*) > 1
     ), duplicates AS (
       SELECT r.row, r.action, f.first_row, (SELECT line FROM import_rows WHERE import_id = $1 AND row = f.first_row) AS first_line
         FROM import_rows r JOIN firsts f ON f.vendor_data = r.vendor_data
        WHERE r.import_id = $1 AND r.row > f.first_row
     ), marked AS (
       UPDATE import_rows r SET action = 'skip',
              errors = coalesce(r.errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
                'column', 'vendor_data', 'code', 'duplicate_vendor_data',
                'message', format('vendor_data "%s" already appears on line %s (row %s); the first occurrence wins', left(r.vendor_data, 60), d.first_line, d.first_row)))
         FROM duplicates d WHERE r.import_id = $1 AND r.row = d.row
       RETURNING d.action
     )
     SELECT action, count(*)::int AS rows FROM marked GROUP BY action`,
    [importId],
  );
  const lost: Record<RowAction, number> = { create: 0, update: 0, unchanged: 0, skip: 0 };
  for (const row of rows) lost[row.action] = row.rows;
  return lost;
}

export type RowFilter = 'invalid' | 'valid' | RowAction;

function filterSql(only: RowFilter | undefined): string {
  if (only === undefined) return '';
  if (only === 'invalid') return ` AND action = 'skip'`;
  if (only === 'valid') return ` AND action <> 'skip'`;
  return ` AND action = '${only}'`;
}

export interface StoredRow {
  row: number;
  line: number;
  /** Encoded by encodeCells; decodeCells gives them back. */
  cells: string;
  action: RowAction;
  errors: RowError[] | null;
  /** Suggested fixes not accepted yet (CONTRACT §9). */
  fixes?: unknown[] | null;
}

export async function pageImportRows(db: Queryable, importId: string, only: RowFilter | undefined, offset: number, limit: number, knownTotal?: number): Promise<{ rows: StoredRow[]; total: number }> {
  const filter = filterSql(only);
  const [page, total] = await Promise.all([
    db.query<StoredRow>(`SELECT row, line, cells, action, errors, fixes FROM import_rows WHERE import_id = $1${filter} ORDER BY row OFFSET $2 LIMIT $3`, [importId, offset, limit]),
    knownTotal ?? db.query<{ total: number }>(`SELECT count(*)::int AS total FROM import_rows WHERE import_id = $1${filter}`, [importId]).then((result) => result.rows[0]?.total ?? 0),
  ]);
  return { rows: page.rows, total };
}

/** Keyset pages of invalid rows, for streaming the error report. */
export async function invalidRowsAfter(db: Queryable, importId: string, afterRow: number, limit: number): Promise<StoredRow[]> {
  const { rows } = await db.query<StoredRow>(
    `SELECT row, line, cells, action, errors FROM import_rows WHERE import_id = $1 AND row > $2 AND action = 'skip' ORDER BY row LIMIT $3`,
    [importId, afterRow, limit],
  );
  return rows;
}

/** The staged rows are gone (import_rows is unlogged: a database crash empties it). */
export class StagingLostError extends Error {
  constructor(importId: string) {
    super(`the staged rows of import ${importId} are gone`);
  }
}

export interface ChunkOutcome {
  rows: number;
  valid: number;
  created: number;
  updated: number;
}

/**
 * Applies rows (fromRow, toRow] of an import to the application's users: the run's one
 * set-based merge per chunk. Call inside the chunk's transaction.
 *
 * Two statements, both over the chunk sorted by vendor_data so concurrent imports lock in the
 * same order: an INSERT … ON CONFLICT DO NOTHING creates new users, then an UPDATE changes
 * existing ones only where a given value differs (the same rule as classifyRow), so an
 * unchanged row writes nothing and keeps its updated_at. One INSERT … ON CONFLICT DO UPDATE
 * cannot do this: EXCLUDED cannot tell "status cell empty" from "status ACTIVE", and it would
 * lock every unchanged row. (When the preview saw only new users in the chunk, a plain INSERT is
 * tried first, falling back to ON CONFLICT if one appeared since.) Verified full_name (verified_at set), date_of_birth and the counters
 * are never written. The UPDATE runs in a later statement than the INSERT, so in READ COMMITTED
 * it also sees a user another import created meanwhile (the INSERT waited for it).
 */
export async function mergeChunk(db: Queryable, appId: string, importId: string, fromRow: number, toRow: number): Promise<ChunkOutcome> {
  const { rows } = await db.query<{ rows: number; valid: number; forecast_creates: number }>(
    `SELECT count(*)::int AS rows, count(*) FILTER (WHERE errors IS NULL)::int AS valid,
            count(*) FILTER (WHERE action = 'create')::int AS forecast_creates
       FROM import_rows WHERE import_id = $1 AND row > $2 AND row <= $3`,
    [importId, fromRow, toRow],
  );
  const { rows: total, valid, forecast_creates: forecastCreates } = rows[0]!;
  if (total !== toRow - fromRow) throw new StagingLostError(importId);
  // The chunk is a few thousand rows against a users table of any size: probe the unique index per row.
  await db.query(`SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`);
  const insert = (onConflict: string) =>
    db.query(
      `INSERT INTO users (app_id, vendor_data, display_name, full_name, email, phone, country, status, tags, metadata)
       SELECT $1, r.vendor_data, r.display_name, r.full_name, r.email, r.phone, r.country,
              coalesce(r.status, 'ACTIVE'), coalesce(r.tags, '{}'), coalesce(r.metadata, '{}')
         FROM import_rows r
        WHERE r.import_id = $2 AND r.row > $3 AND r.row <= $4 AND r.errors IS NULL
        ORDER BY r.vendor_data
       ${onConflict}`,
      [appId, importId, fromRow, toRow],
    );
  let inserted: Awaited<ReturnType<typeof insert>> | undefined;
  if (forecastCreates === valid && valid > 0) {
    // The preview found none of these users: a plain INSERT is ~10% cheaper than ON CONFLICT. If one
    // appeared since (a unique violation), that attempt is undone and the general statement runs.
    await db.query('SAVEPOINT plain_insert');
    try {
      inserted = await insert('');
      await db.query('RELEASE SAVEPOINT plain_insert');
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await db.query('ROLLBACK TO SAVEPOINT plain_insert');
    }
  }
  inserted ??= await insert('ON CONFLICT (app_id, vendor_data) DO NOTHING');
  const created = inserted.rowCount ?? 0;
  // Every valid row was new: there is nothing to update.
  if (created === valid) return { rows: total, valid, created, updated: 0 };
  const updated = await db.query(
    `UPDATE users u SET
            display_name = coalesce(r.display_name, u.display_name),
            full_name = CASE WHEN u.verified_at IS NULL THEN coalesce(r.full_name, u.full_name) ELSE u.full_name END,
            email = coalesce(r.email, u.email),
            phone = coalesce(r.phone, u.phone),
            country = coalesce(r.country, u.country),
            status = coalesce(r.status, u.status),
            tags = coalesce(r.tags, u.tags),
            metadata = coalesce(r.metadata, u.metadata),
            updated_at = now()
       FROM (SELECT * FROM import_rows
              WHERE import_id = $2 AND row > $3 AND row <= $4 AND errors IS NULL
              ORDER BY vendor_data) r
      WHERE u.app_id = $1 AND u.vendor_data = r.vendor_data
        AND (   coalesce(r.display_name, u.display_name) IS DISTINCT FROM u.display_name
             OR (u.verified_at IS NULL AND coalesce(r.full_name, u.full_name) IS DISTINCT FROM u.full_name)
             OR coalesce(r.email, u.email) IS DISTINCT FROM u.email
             OR coalesce(r.phone, u.phone) IS DISTINCT FROM u.phone
             OR coalesce(r.country, u.country) IS DISTINCT FROM u.country
             OR coalesce(r.status, u.status) IS DISTINCT FROM u.status
             OR coalesce(r.tags, u.tags) IS DISTINCT FROM u.tags
             OR coalesce(r.metadata, u.metadata) IS DISTINCT FROM u.metadata)`,
    [appId, importId, fromRow, toRow],
  );
  return { rows: total, valid, created, updated: updated.rowCount ?? 0 };
}
