import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema.ts';
import { effectiveNameSql, type UserFilters, userFilterWhere } from '../users/index.ts';
import type { ExportColumn } from '../../shared/user-columns.ts';

/**
 * Builds the one SQL statement an export runs: `COPY (SELECT …) TO STDOUT WITH (FORMAT csv)`.
 * Every cell is formatted by PostgreSQL, so the rows never pass through JavaScript one by one.
 * The statement is made only of the whitelisted expressions below plus the filter values, which are
 * inlined as escaped literals because COPY cannot take bind parameters.
 */

/**
 * The contract's formula guard (guardFormula in user-columns.ts) in SQL. Codes: 9 tab, 13 CR, 39 ',
 * 43 +, 45 -, 61 =, 64 @. Every trigger is at most 64, so most cells (letters) take the first branch.
 */
export function guarded(value: string): string {
  return `CASE WHEN ascii(${value}) > 64 THEN ${value} WHEN ascii(${value}) IN (9, 13, 39, 43, 45, 61, 64) AND ${value} !~ '^[+-]?[0-9]+(\\.[0-9]+)?$' THEN '''' || ${value} ELSE ${value} END`;
}

/** ISO 8601 in UTC with milliseconds, like the user object's JSON (the transaction runs with TimeZone UTC). */
function isoTimestamp(value: string): string {
  return `to_char(${value}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

const TAGS_TEXT = "array_to_string(users.tags, ',')";
const METADATA_TEXT = 'users.metadata::text';

/**
 * Each column as one SQL expression over `users`. uuid, integer, date and the CHECK-constrained
 * status cannot start with a formula character, so the guard, a no-op on them, is left out. Tags
 * and metadata are costly to turn into text, so their guard first looks at something cheaper that
 * decides the same way: the cell starts with the first tag, and a JSON object or array starts with
 * { or [, which never need the guard. Only the rare other cells pay for the full check.
 */
export const exportColumnSql: Record<ExportColumn, string> = {
  didit_internal_id: 'users.didit_internal_id',
  vendor_data: guarded('users.vendor_data'),
  display_name: guarded('users.display_name'),
  effective_name: guarded(effectiveNameSql('users')),
  full_name: guarded('users.full_name'),
  date_of_birth: 'users.date_of_birth',
  email: guarded('users.email'),
  phone: guarded('users.phone'),
  country: guarded('users.country'),
  status: 'users.status',
  tags: `CASE WHEN ascii(users.tags[1]) > 64 THEN ${TAGS_TEXT} ELSE ${guarded(TAGS_TEXT)} END`,
  metadata_json: `CASE WHEN jsonb_typeof(users.metadata) IN ('object', 'array') THEN ${METADATA_TEXT} ELSE ${guarded(METADATA_TEXT)} END`,
  session_count: 'users.session_count',
  approved_count: 'users.approved_count',
  declined_count: 'users.declined_count',
  in_review_count: 'users.in_review_count',
  first_session_at: isoTimestamp('users.first_session_at'),
  last_session_at: isoTimestamp('users.last_session_at'),
  last_activity_at: isoTimestamp('users.last_activity_at'),
  created_at: isoTimestamp('users.created_at'),
  updated_at: isoTimestamp('users.updated_at'),
};

/** One query parameter as an SQL literal; only the kinds the user filters produce are accepted. */
export function sqlLiteral(value: unknown): string {
  if (typeof value === 'string') {
    // PostgreSQL text cannot hold NUL; refusing here keeps a bad value from reaching the server.
    if (value.includes('\u0000')) throw new TypeError('a filter value contains a NUL character');
    return pg.escapeLiteral(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('a filter date is not a valid date');
    return `${pg.escapeLiteral(value.toISOString())}::timestamptz`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlLiteral).join(', ')}]`;
  throw new TypeError(`cannot inline a filter value of type ${typeof value}`);
}

/** Replaces $1…$n in one pass, so text inside an inlined literal is never substituted again. */
export function inlineParameters(statement: string, parameters: readonly unknown[]): string {
  return statement.replace(/\$(\d+)/g, (_match, index: string) => {
    const position = Number(index) - 1;
    if (position < 0 || position >= parameters.length) throw new RangeError(`statement refers to missing parameter $${index}`);
    return sqlLiteral(parameters[position]);
  });
}

/** A position in the export's order: (created_at as PostgreSQL prints it, didit_internal_id). */
export interface ExportKey {
  createdAt: string;
  id: string;
}

/** The SELECT of the export's rows (no COPY around it), oldest first, with filters inlined; `range` keeps from ≤ key < to. */
export function buildExportSelect(
  db: Kysely<Database>,
  appId: string,
  filters: UserFilters,
  columns: readonly ExportColumn[],
  range: { from?: ExportKey; to?: ExportKey } = {},
): string {
  if (columns.length === 0) throw new RangeError('an export needs at least one column');
  return buildRowsSelect(db, appId, filters, columns.map((column) => exportColumnSql[column]), range);
}

/** The same SELECT with other expressions per row (a typed format's one JSON column). */
export function buildRowsSelect(db: Kysely<Database>, appId: string, filters: UserFilters, expressions: readonly string[], range: { from?: ExportKey; to?: ExportKey } = {}): string {
  let query = db
    .selectFrom('users')
    .select(expressions.map((expression, index) => sql.raw<string>(expression).as(`c${index}`)))
    .where(userFilterWhere(appId, filters));
  if (range.from) query = query.where(sql<boolean>`(users.created_at, users.didit_internal_id) >= (${range.from.createdAt}::timestamptz, ${range.from.id}::uuid)`);
  if (range.to) query = query.where(sql<boolean>`(users.created_at, users.didit_internal_id) < (${range.to.createdAt}::timestamptz, ${range.to.id}::uuid)`);
  const compiled = query.orderBy('users.created_at').orderBy('users.didit_internal_id').compile();
  return inlineParameters(compiled.sql, compiled.parameters);
}

/** The export's order keys on a sample of the table's pages (TABLESAMPLE SYSTEM), in order: where to cut it into parts. */
export function buildExportKeySample(db: Kysely<Database>, appId: string, filters: UserFilters, percent: number): string {
  const compiled = db
    .selectFrom('users')
    .select([sql<string>`users.created_at::text`.as('created_at'), sql<string>`users.didit_internal_id::text`.as('id')])
    .where(userFilterWhere(appId, filters))
    .orderBy('users.created_at')
    .orderBy('users.didit_internal_id')
    .compile();
  // Kysely has no TABLESAMPLE: it goes right after the one FROM of this query.
  return inlineParameters(compiled.sql, compiled.parameters).replace(/ from "users" /, ` from "users" TABLESAMPLE SYSTEM (${Number(percent.toFixed(4))}) `);
}

export function buildExportCopy(db: Kysely<Database>, appId: string, filters: UserFilters, columns: readonly ExportColumn[]): string {
  return `COPY (${buildExportSelect(db, appId, filters, columns)}) TO STDOUT WITH (FORMAT csv)`;
}

/** Settings the statement relies on, set for its transaction only. */
export const exportSessionSettings = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  'SET LOCAL standard_conforming_strings = on',
  'SET LOCAL statement_timeout = 0',
];

/**
 * An incremental export's rows (docs/warehouse.md): every user with a change in (sinceSeq, asOfSeq], as it
 * is in the snapshot when it still matches the filters, else as a deleted row (`deleted` expressions over
 * `ch`, the change's didit_internal_id and vendor_data). Run in the snapshot that read asOfSeq.
 */
export function buildIncrementalSelect(
  db: Kysely<Database>,
  appId: string,
  filters: UserFilters,
  seqs: { sinceSeq: number; asOfSeq: number },
  expressions: { present: readonly string[]; deleted: readonly string[] },
): string {
  const changed = `SELECT c.didit_internal_id, (array_agg(c.vendor_data ORDER BY c.seq DESC))[1] AS vendor_data
    FROM user_changes c WHERE c.app_id = ${sqlLiteral(appId)}::uuid AND c.seq > ${Number(seqs.sinceSeq)} AND c.seq <= ${Number(seqs.asOfSeq)}
   GROUP BY c.didit_internal_id`;
  const present = db
    .selectFrom('users')
    .select(expressions.present.map((expression, index) => sql.raw<string>(expression).as(`c${index}`)))
    .where(userFilterWhere(appId, filters))
    .where(sql<boolean>`users.didit_internal_id IN (SELECT didit_internal_id FROM changed)`)
    .compile();
  const stillMatching = db
    .selectFrom('users')
    .select(sql<number>`1`.as('one'))
    .where(userFilterWhere(appId, filters))
    .where(sql<boolean>`users.didit_internal_id = ch.didit_internal_id`)
    .compile();
  const deleted = expressions.deleted.map((expression, index) => `${expression} AS c${index}`).join(', ');
  return `WITH changed AS MATERIALIZED (${changed})
${inlineParameters(present.sql, present.parameters)}
UNION ALL
SELECT ${deleted} FROM changed ch WHERE NOT EXISTS (${inlineParameters(stillMatching.sql, stillMatching.parameters)})`;
}
