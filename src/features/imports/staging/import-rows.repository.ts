import type pg from 'pg';
import type { ImportWarning, RowAction, RowError } from '../imports.tables.ts';
import { importFields } from '../../../shared/user-catalogue.ts';
import type { ExistingUser } from '../validation/row-classification.ts';
import type { RepeatCandidates } from '../validation/repeated-keys.ts';

/**
 * SQL over the staging table import_rows. Plain pg (not Kysely) because it runs on dedicated
 * connections: COPY streams, session advisory locks, and validation threads with their own client.
 * Every query names the import, and the users queries the application.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** The staged columns, in COPY order: the row's place and cells, then one column per field an import writes (from the catalogue). */
export const stagedFieldColumns: readonly string[] = importFields.map((spec) => spec.column);
export const importRowsCopySql = `COPY import_rows (import_id, row, line, cells, ${stagedFieldColumns.join(', ')}, status_reason, errors, action, changes, warnings, skip_code, fixes) FROM STDIN`;

/** Whether the application has any user yet: an import into an empty one needs no lookups. */
export async function applicationHasUsers(db: Queryable, appId: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM users WHERE app_id = $1) AS found', [appId]);
  return rows[0]!.found;
}

export async function findExistingUsers(db: Queryable, appId: string, vendorData: string[]): Promise<Map<string, ExistingUser>> {
  const { rows } = await db.query<ExistingUser & { vendor_data: string }>(
    `SELECT ${stagedFieldColumns.join(', ')}, verified_at IS NOT NULL AS verified FROM users WHERE app_id = $1 AND vendor_data = ANY($2::text[])`,
    [appId, vendorData],
  );
  return new Map(rows.map((row) => [row.vendor_data, row]));
}

export async function deleteImportRows(db: Queryable, importId: string): Promise<void> {
  await db.query('DELETE FROM import_rows WHERE import_id = $1', [importId]);
}

/** What the rows marked as duplicates had been counted as, to take out of the preview's counts. */
export interface DuplicateLoss {
  /** Rows per former action (rows the mode skipped are under `modeSkipped` instead). */
  actions: Record<RowAction, number>;
  modeSkipped: number;
  fieldChanges: Record<string, number>;
  statusChanges: Record<string, number>;
}

/**
 * A vendor_data repeated in the file: the first occurrence wins and later ones become invalid.
 * `candidates` (from RepeatedKeys, filled while staging) names every row whose vendor_data hash an
 * earlier row had, beside that earlier row: every repeat is among them, so only those rows are read
 * (by primary key) and compared, however many rows the file has. Returns what the marked rows had counted for.
 */
export async function markDuplicateRows(db: Queryable, importId: string, candidates: RepeatCandidates): Promise<DuplicateLoss> {
  if (candidates.rows.length === 0) return { actions: { create: 0, update: 0, unchanged: 0, skip: 0 }, modeSkipped: 0, fieldChanges: {}, statusChanges: {} };
  const { rows } = await db.query<{ actions: Record<RowAction, number> | null; mode_skipped: number; field_changes: Record<string, number> | null; status_changes: Record<string, number> | null }>(
    `WITH involved AS (
       SELECT r.row, r.line, r.vendor_data, r.action, r.skip_code, r.changes FROM import_rows r
        WHERE r.import_id = $1 AND r.vendor_data IS NOT NULL
          AND r.row IN (SELECT unnest($2::int[]) UNION SELECT unnest($3::int[]))
     ), firsts AS (
       SELECT DISTINCT ON (vendor_data) vendor_data, row AS first_row, line AS first_line FROM involved ORDER BY vendor_data, row
     ), duplicates AS (
       SELECT i.row, i.action, i.skip_code AS old_skip, i.changes AS old_changes, f.first_row, f.first_line
         FROM involved i JOIN firsts f ON f.vendor_data = i.vendor_data
        WHERE i.row > f.first_row
     ), marked AS (
       UPDATE import_rows r SET action = 'skip', skip_code = NULL,
              errors = coalesce(r.errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
                'column', 'vendor_data', 'code', 'duplicate_vendor_data',
                'message', format('vendor_data "%s" already appears on line %s (row %s); the first occurrence wins', left(r.vendor_data, 60), d.first_line, d.first_row)))
         FROM duplicates d WHERE r.import_id = $1 AND r.row = d.row
       RETURNING d.action, d.old_skip, d.old_changes
     ), counted AS (SELECT * FROM marked WHERE old_skip IS NULL)
     SELECT (SELECT json_object_agg(action, n) FROM (SELECT action, count(*)::int AS n FROM counted GROUP BY action) a) AS actions,
            (SELECT count(*)::int FROM marked WHERE old_skip IS NOT NULL) AS mode_skipped,
            (SELECT json_object_agg(k, n) FROM (SELECT k, count(*)::int AS n FROM counted, jsonb_object_keys(old_changes) k WHERE action = 'update' GROUP BY k) f) AS field_changes,
            (SELECT json_object_agg(c, n) FROM (SELECT (old_changes->'status'->>'from') || '>' || (old_changes->'status'->>'to') AS c, count(*)::int AS n
                                                  FROM counted WHERE action = 'update' AND old_changes ? 'status' GROUP BY 1) s) AS status_changes`,
    [importId, candidates.rows, candidates.firstRows],
  );
  const result = rows[0]!;
  return {
    actions: { create: 0, update: 0, unchanged: 0, skip: 0, ...result.actions },
    modeSkipped: result.mode_skipped,
    fieldChanges: result.field_changes ?? {},
    statusChanges: result.status_changes ?? {},
  };
}

/** Valid rows that change an existing user's status: how many have no reason of their own, and how many lift BLOCKED. */
export async function statusChangeGuard(db: Queryable, importId: string): Promise<{ unreasoned: number; unblocks: number }> {
  const { rows } = await db.query<{ unreasoned: number; unblocks: number }>(
    `SELECT count(*) FILTER (WHERE status_reason IS NULL)::int AS unreasoned,
            count(*) FILTER (WHERE changes->'status'->>'from' = 'BLOCKED')::int AS unblocks
       FROM import_rows WHERE import_id = $1 AND errors IS NULL AND changes ? 'status'`,
    [importId],
  );
  return rows[0]!;
}

export type RowFilter = 'invalid' | 'valid' | 'warnings' | RowAction;

function filterSql(only: RowFilter | undefined): string {
  if (only === undefined) return '';
  if (only === 'invalid') return ` AND action = 'skip'`;
  if (only === 'valid') return ` AND action <> 'skip'`;
  if (only === 'warnings') return ` AND warnings IS NOT NULL`;
  return ` AND action = '${only}'`;
}

export interface StoredRow {
  row: number;
  line: number;
  /** Encoded by encodeCells; decodeCells gives them back. */
  cells: string;
  action: RowAction;
  errors: RowError[] | null;
  /** Suggested fixes not accepted yet (docs/vendor-migration.md). */
  fixes?: unknown[] | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
  warnings: ImportWarning[] | null;
  skip_code: string | null;
}

const skipMessages: Record<string, string> = {
  exists: 'A user with this vendor_data exists and the import is create_only: the row is skipped.',
  not_found: 'No user has this vendor_data and the import is update_only: the row is skipped.',
  unblock_not_confirmed: 'The user is BLOCKED and the import was not allowed to unblock (allow_unblock): the row is skipped.',
  status_reason_required: "The row changes the user's status without a reason (status_reason column or the import's reason): the row is skipped.",
};

/** A row's errors, with why a mode or the run skipped it (valid rows skipped keep their own code). */
export function rowErrors(row: Pick<StoredRow, 'errors' | 'skip_code'>): RowError[] {
  const errors = row.errors ?? [];
  if (!row.skip_code) return errors;
  return [...errors, { column: 'vendor_data', code: row.skip_code, message: skipMessages[row.skip_code] ?? row.skip_code }];
}

export async function pageImportRows(db: Queryable, importId: string, only: RowFilter | undefined, offset: number, limit: number, knownTotal?: number): Promise<{ rows: StoredRow[]; total: number }> {
  const filter = filterSql(only);
  const [page, total] = await Promise.all([
    db.query<StoredRow>(`SELECT row, line, cells, action, errors, changes, warnings, skip_code, fixes FROM import_rows WHERE import_id = $1${filter} ORDER BY row OFFSET $2 LIMIT $3`, [importId, offset, limit]),
    knownTotal ?? db.query<{ total: number }>(`SELECT count(*)::int AS total FROM import_rows WHERE import_id = $1${filter}`, [importId]).then((result) => result.rows[0]?.total ?? 0),
  ]);
  return { rows: page.rows, total };
}

/** Keyset pages of invalid rows and rows applied without some cells (clear_cell), for streaming the error report. */
export async function invalidRowsAfter(db: Queryable, importId: string, afterRow: number, limit: number): Promise<StoredRow[]> {
  const { rows } = await db.query<StoredRow>(
    `SELECT row, line, cells, action, errors, changes, warnings, skip_code FROM import_rows WHERE import_id = $1 AND row > $2 AND (action = 'skip' OR warnings @> '[{"code": "cell_cleared"}]') ORDER BY row LIMIT $3`,
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

/** How many rows of (fromRow, toRow] are staged: fewer than the range means the staging table was emptied. */
export async function countStagedRows(db: Queryable, importId: string, fromRow: number, toRow: number): Promise<number> {
  const { rows } = await db.query<{ rows: number }>('SELECT count(*)::int AS rows FROM import_rows WHERE import_id = $1 AND row > $2 AND row <= $3', [importId, fromRow, toRow]);
  return rows[0]!.rows;
}

/**
 * Rows the run left alone (mode, status guard): marked skip with their code, so the rows list and
 * errors.csv show why. Also kept in a logged table (same transaction as the chunk), from which a
 * staging table rebuilt after a database crash is marked again.
 */
export async function markRunSkips(db: Queryable, importId: string, skips: readonly { row: number; code: string }[]): Promise<void> {
  const values = [importId, skips.map((skip) => skip.row), skips.map((skip) => skip.code)];
  await db.query(
    `INSERT INTO import_run_skips (import_id, row, code) SELECT $1, s.row, s.code FROM unnest($2::int[], $3::text[]) AS s(row, code)
     ON CONFLICT (import_id, row) DO UPDATE SET code = EXCLUDED.code`,
    values,
  );
  await db.query(
    `UPDATE import_rows r SET action = 'skip', skip_code = s.code
       FROM unnest($2::int[], $3::text[]) AS s(row, code)
      WHERE r.import_id = $1 AND r.row = s.row`,
    values,
  );
}

/**
 * After a rebuild of the staging table, the chunks already applied show what the run decided, not what
 * checking them again against today's users says: the mode's `exists` / `not_found` judged now (a
 * create_only run's own creations would read `exists`) is dropped, and the run's skips are marked again.
 */
export async function reapplyRunSkips(db: Queryable, importId: string): Promise<void> {
  await db.query(
    `UPDATE import_rows r SET action = CASE WHEN r.changes IS NULL THEN 'unchanged' ELSE 'update' END, skip_code = NULL
      WHERE r.import_id = $1 AND r.errors IS NULL AND r.skip_code IS NOT NULL
        AND r.row <= (SELECT cursor_row FROM imports WHERE id = $1)`,
    [importId],
  );
  await db.query(
    `UPDATE import_rows r SET action = 'skip', skip_code = s.code
       FROM import_run_skips s
      WHERE s.import_id = $1 AND r.import_id = $1 AND r.row = s.row`,
    [importId],
  );
}
