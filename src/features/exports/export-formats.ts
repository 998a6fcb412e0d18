import { fieldByCsv } from '../users/index.ts';
import { effectiveNameSql } from '../users/index.ts';
import type { ExportColumn } from '../../shared/user-columns.ts';

/**
 * The typed formats (docs/warehouse.md): JSONL (one user object a line, the users API's names) and Parquet
 * (typed columns, converted from the same JSONL by DuckDB). Each export column becomes one field with a
 * type that both formats, the manifest and the warehouse loading statements agree on.
 */

export const exportFormats = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const exportCompressions = ['none', 'gzip'] as const;
export type ExportCompression = (typeof exportCompressions)[number];

/** Bumped when a column's name or type changes; the manifest carries it. */
export const EXPORT_SCHEMA_VERSION = 1;

/** A column's type as the manifest names it (and Parquet stores it). */
export type TypedKind = 'string' | 'date' | 'timestamp' | 'int32' | 'list<string>' | 'json' | 'boolean';

export interface TypedColumn {
  /** The name in JSONL and Parquet (the users API's name: `metadata`, not `metadata_json`). */
  name: string;
  kind: TypedKind;
  /** The value as JSON, built by PostgreSQL from `users`. */
  jsonSql: string;
}

const microsIso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The typed column of an export column; timestamps keep PostgreSQL's microseconds. */
export function typedColumn(column: ExportColumn): TypedColumn {
  const spec = fieldByCsv(column)!;
  const ref = `users.${spec.column ?? ''}`;
  switch (spec.kind) {
    case 'computed':
      return { name: spec.name, kind: 'string', jsonSql: effectiveNameSql('users') };
    case 'date':
      return { name: spec.name, kind: 'date', jsonSql: `to_char(${ref}, 'YYYY-MM-DD')` };
    case 'timestamp':
      return { name: spec.name, kind: 'timestamp', jsonSql: microsIso(ref) };
    case 'count':
      return { name: spec.name, kind: 'int32', jsonSql: ref };
    case 'tags':
      return { name: spec.name, kind: 'list<string>', jsonSql: ref };
    case 'metadata':
      return { name: spec.name, kind: 'json', jsonSql: ref };
    default:
      return { name: spec.name, kind: 'string', jsonSql: ref };
  }
}

/** The column an incremental export adds: true on a row saying the user is gone (or left the filters). */
export const deletedColumn = { name: '_deleted', kind: 'boolean' } as const;

/** DuckDB's type for each kind: how the Parquet file is declared (read_json's `columns`). */
export const duckdbType: Record<TypedKind, string> = {
  string: 'VARCHAR',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  int32: 'INTEGER',
  'list<string>': 'VARCHAR[]',
  json: 'JSON',
  boolean: 'BOOLEAN',
};

/** One JSONL line's SQL: a json object of the columns (nulls kept, so every line has every key). */
export function jsonlRowSql(columns: readonly TypedColumn[], deleted?: 'false'): string {
  const pairs = columns.map((column) => `'${column.name}', ${column.jsonSql}`);
  if (deleted) pairs.push(`'_deleted', false`);
  return `json_build_object(${pairs.join(', ')})::text`;
}
