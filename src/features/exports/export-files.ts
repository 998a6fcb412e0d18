import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../http/errors.ts';
import { readChangeCounter } from '../users/index.ts';
import type { ExportColumn } from '../../shared/user-columns.ts';
import { deletedColumn, duckdbType, EXPORT_SCHEMA_VERSION, type ExportFormat, jsonlRowSql, type TypedColumn, typedColumn } from './export-formats.ts';
import { parseExportFilters } from './export-options.ts';
import { type CopyProgress } from './export-progress.ts';
import { writeExportInParallel } from './export-parallel.ts';
import { type StoredPart, storeBufferPart, storeFilePart, storeRowParts } from './export-parts.ts';
import { buildIncrementalSelect, buildRowsSelect, exportColumnSql, guarded } from './export-query.ts';
import type { ExportRecord } from './exports.repository.ts';

/**
 * Writes an export's parts and manifest (docs/warehouse.md). One REPEATABLE READ snapshot reads the
 * application's change counter (`as_of_seq`) and the rows, so the rows are the state after exactly the
 * changes up to as_of_seq. CSV and JSONL stream from COPY into parts; Parquet is the same JSONL spooled
 * to a local file and converted by DuckDB (bench/RESULTS.md says why), then stored part by part.
 */

export interface WrittenFiles {
  rowCount: number;
  bytes: number;
  asOfSeq: number;
  /** Data parts, then manifest.json. */
  parts: StoredPart[];
}

export interface ExportFilesOptions {
  /** This attempt's objects are this prefix plus `part-1`, `part-2`, …, `manifest.json`. */
  keyPrefix: string;
  /** Parts stored so far, so a failed attempt can delete them. */
  stored: StoredPart[];
  onChunk?: (bytesSoFar: number) => void | Promise<void>;
  onCopying?: (progress: CopyProgress) => void;
}

export const contentTypes: Record<ExportFormat | 'gzip' | 'manifest', string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
  gzip: 'application/gzip',
  manifest: 'application/json',
};

/** The file name of an export's part `index` (0-based): the first keeps the export's plain name. */
export function partFileName(record: Pick<ExportRecord, 'id' | 'created_at' | 'format' | 'compression'>, index: number): string {
  const stamp = record.created_at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const extension = `${record.format}${record.compression === 'gzip' ? '.gz' : ''}`;
  return `users-export-${stamp}-${record.id.slice(0, 8)}${index === 0 ? '' : `-${index + 1}`}.${extension}`;
}

export const sinceSeqAhead = (sinceSeq: number, lastSeq: number) =>
  new AppError('since_seq_ahead', `since_seq ${sinceSeq} is ahead of the change feed (its last seq is ${lastSeq}); use the as_of_seq of an export you hold`);
export const sinceSeqExpired = (sinceSeq: number, prunedThrough: number) =>
  new AppError('cursor_expired', `Changes after since_seq ${sinceSeq} up to ${prunedThrough} are past CHANGE_FEED_RETENTION; take a full export instead`);

/** A since_seq the feed can serve: not ahead of it, not pruned. */
export function checkSinceSeq(sinceSeq: number, counter: { lastSeq: number; prunedThrough: number }): void {
  if (sinceSeq > counter.lastSeq) throw sinceSeqAhead(sinceSeq, counter.lastSeq);
  if (sinceSeq < counter.prunedThrough) throw sinceSeqExpired(sinceSeq, counter.prunedThrough);
}

/** An incremental export always carries the id a warehouse merges on. */
export function incrementalColumns(columns: readonly ExportColumn[]): ExportColumn[] {
  return columns.includes('didit_internal_id') ? [...columns] : ['didit_internal_id', ...columns];
}

// One JSON value a line, so COPY's CSV mode never quotes it: JSON text holds no raw control character.
const JSON_LINES_COPY = "FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01'";

export async function writeExportFiles(ctx: AppContext, record: ExportRecord, options: ExportFilesOptions): Promise<WrittenFiles> {
  const format = record.format;
  const sinceSeq = record.since_seq;
  const columns = (sinceSeq === null ? record.columns : incrementalColumns(record.columns as ExportColumn[])) as ExportColumn[];
  const filters = parseExportFilters(record.filters);
  const typed = columns.map(typedColumn);
  let asOfSeq = 0;

  // An incremental export's rows: as they are, or deleted (only the id and vendor_data), each with `_deleted`.
  const rowExpressions = (): { present: string[]; deleted: string[] } => {
    if (format === 'csv') {
      const present = columns.map((column) => exportColumnSql[column]);
      const deleted = columns.map((column) => (column === 'didit_internal_id' ? 'ch.didit_internal_id' : column === 'vendor_data' ? guarded('ch.vendor_data') : 'NULL'));
      return { present: [...present, "'false'"], deleted: [...deleted, "'true'"] };
    }
    const idAndVendor = typed.filter((column) => column.name === 'didit_internal_id' || column.name === 'vendor_data').map((column) => `'${column.name}', ch.${column.name}`);
    return { present: [jsonlRowSql(typed, 'false')], deleted: [`json_build_object(${[...idAndVendor, `'_deleted', true`].join(', ')})::text`] };
  };

  const partTarget = (index: number) => ({ key: `${options.keyPrefix}part-${index + 1}`, name: partFileName(record, index) });
  const csvHeader = Buffer.from(`\uFEFF${[...columns, ...(sinceSeq === null ? [] : [deletedColumn.name])].join(',')}\n`, 'utf8');
  const spoolDir = path.join(ctx.config.dataDir, 'export-parts');

  const store = async (body: AsyncIterable<Buffer>): Promise<{ bytes: number }> => {
    if (format === 'parquet') {
      options.stored.push(...(await storeParquetParts(ctx, body, typed, sinceSeq !== null, spoolDir, partTarget)));
    } else {
      const gzip = record.compression === 'gzip';
      const parts = await storeRowParts(body, {
        storage: ctx.storage,
        partKey: partTarget,
        contentType: gzip ? contentTypes.gzip : contentTypes[format],
        header: format === 'csv' ? csvHeader : undefined,
        gzip,
        maxBytes: ctx.config.EXPORT_PART_BYTES,
        onChunk: options.onChunk,
      });
      options.stored.push(...parts);
    }
    return { bytes: options.stored.reduce((sum, part) => sum + part.bytes, 0) };
  };

  await writeExportInParallel({
    pool: ctx.database.pool,
    db: ctx.db,
    storage: ctx.storage,
    key: partTarget(0).key,
    appId: record.app_id,
    filters,
    columns,
    spoolDir,
    // An incremental export's rows are few and come from one statement.
    parts: sinceSeq === null ? undefined : 1,
    onCopying: options.onCopying,
    onSnapshot: async (leader) => {
      const counter = await readChangeCounter(leader, record.app_id);
      asOfSeq = counter.lastSeq;
      // Checked again here: the feed may have been pruned since the request.
      if (sinceSeq !== null) checkSinceSeq(sinceSeq, counter);
    },
    select: (range) => {
      if (sinceSeq !== null) return buildIncrementalSelect(ctx.db, record.app_id, filters, { sinceSeq, asOfSeq }, rowExpressions());
      const full = format === 'csv' ? columns.map((column) => exportColumnSql[column]) : [jsonlRowSql(typed)];
      return buildRowsSelect(ctx.db, record.app_id, filters, full, range);
    },
    copyOptions: format === 'csv' ? 'FORMAT csv' : JSON_LINES_COPY,
    header: null,
    store,
  });

  const dataParts = [...options.stored];
  const rowCount = dataParts.reduce((sum, part) => sum + part.rows, 0);
  const manifest = {
    export_id: record.id,
    app_id: record.app_id,
    format,
    compression: record.compression,
    schema_version: EXPORT_SCHEMA_VERSION,
    columns: [
      ...(format === 'csv' ? columns.map((column, index) => ({ name: column, type: typed[index]!.kind })) : typed.map((column) => ({ name: column.name, type: column.kind }))),
      ...(sinceSeq === null ? [] : [deletedColumn]).map((column) => ({ name: column.name, type: column.kind })),
    ],
    as_of_seq: asOfSeq,
    since_seq: sinceSeq,
    row_count: rowCount,
    parts: dataParts.map(({ name, rows, bytes, sha256 }) => ({ name, rows, bytes, sha256 })),
  };
  // Last: a consumer that finds the manifest knows every part it lists is complete.
  const manifestPart = await storeBufferPart(ctx.storage, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { key: `${options.keyPrefix}manifest.json`, name: 'manifest.json' }, contentTypes.manifest);
  options.stored.push(manifestPart);
  return { rowCount, bytes: dataParts.reduce((sum, part) => sum + part.bytes, 0), asOfSeq, parts: [...options.stored] };
}

/** JSONL spooled to a local file, converted by DuckDB into Parquet files under EXPORT_PART_BYTES, each stored. */
async function storeParquetParts(
  ctx: AppContext,
  body: AsyncIterable<Buffer>,
  typed: readonly TypedColumn[],
  incremental: boolean,
  spoolDir: string,
  partTarget: (index: number) => { key: string; name: string },
): Promise<StoredPart[]> {
  await mkdir(spoolDir, { recursive: true, mode: 0o700 });
  const work = await mkdtemp(path.join(spoolDir, 'parquet-'));
  try {
    const jsonl = path.join(work, 'rows.jsonl');
    await pipeline(body, createWriteStream(jsonl, { mode: 0o600 }));
    const { DuckDBInstance } = await import('@duckdb/node-api');
    // Bounded memory: DuckDB spills to the work folder rather than hold the table.
    const instance = await DuckDBInstance.create(':memory:', { memory_limit: '128MB', threads: '2', temp_directory: work });
    const connection = await instance.connect();
    try {
      const fields = [...typed, ...(incremental ? [{ name: deletedColumn.name, kind: deletedColumn.kind }] : [])];
      const declared = fields.map((field) => `'${field.name}': '${duckdbType[field.kind]}'`).join(', ');
      // metadata is stored as a JSON string (UTF8), as the contract's typed schema says.
      const select = fields.map((field) => (field.kind === 'json' ? `"${field.name}"::VARCHAR AS "${field.name}"` : `"${field.name}"`)).join(', ');
      const source = `SELECT ${select} FROM read_json('${jsonl.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${declared}})`;
      const out = path.join(work, 'out');
      // A file is cut once it passes the size: aim below the limit by a row group's worth.
      const fileBytes = Math.max(1024, Math.floor(ctx.config.EXPORT_PART_BYTES * 0.8));
      await connection.run(`COPY (${source}) TO '${out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000, FILE_SIZE_BYTES ${fileBytes}, FILENAME_PATTERN 'part_{i}')`);
      let files = (await readdir(out).catch(() => [] as string[])).filter((name) => name.endsWith('.parquet'));
      if (files.length === 0) {
        // No rows: one empty file still says what the columns are.
        await mkdir(out, { recursive: true });
        await connection.run(`COPY (${source}) TO '${path.join(out, 'part_0.parquet')}' (FORMAT parquet)`);
        files = ['part_0.parquet'];
      }
      files.sort((a, b) => Number(/(\d+)/.exec(a)![1]) - Number(/(\d+)/.exec(b)![1]));
      const parts: StoredPart[] = [];
      for (const [index, file] of files.entries()) {
        const full = path.join(out, file);
        const counted = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${full.replace(/'/g, "''")}')`);
        const rows = Number(counted.getRowObjects()[0]!.n);
        parts.push(await storeFilePart(ctx.storage, full, partTarget(index), rows, contentTypes.parquet));
      }
      return parts;
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
