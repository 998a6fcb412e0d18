/**
 * One interface over every file format an import takes (docs/vendor-migration.md#formats): the validate job asks for a
 * header, then batches of records, and never learns which format it read.
 */
export type ImportFormat = 'csv' | 'xlsx' | 'json' | 'ndjson';

export interface TableHeader {
  format: ImportFormat;
  /** CSV only: the text encoding the reader settled on (JSON is read as UTF-8). */
  encoding: string | null;
  /** CSV only: the separator; the error report uses it too. */
  delimiter: string | null;
  /** The headers as the file spells them: CSV's header line, xlsx's first row, the union of JSON keys. */
  columns: string[];
}

/** A problem confined to one record (an NDJSON line that is not JSON): the row is invalid, not the file. */
export interface RecordProblem {
  code: string;
  message: string;
}

export interface TableRecord {
  /** Data rows counted from 1. */
  row: number;
  /** Where the row starts in the file: a text line, or the sheet's row number. */
  line: number;
  fields: string[];
  problem?: RecordProblem;
  /** JSON and NDJSON: positions of cells that held a number, boolean, null, object or array (their JSON text). */
  typed?: number[];
  /** Fields past the header's count plus a margin, counted but not kept (the CSV reader's cap, issue #9). */
  droppedFields?: number;
}

/** The file as a whole cannot be read; the import fails with this code. */
export class TableFileError extends Error {
  constructor(public code: string, message: string, public line?: number) {
    super(message);
    this.name = 'TableFileError';
  }
}

export type ByteStream = AsyncIterable<Buffer | Uint8Array | string>;
/** Opens the stored file from its start; readers that need two passes (JSON's union of keys) call it twice. */
export type OpenFile = () => ByteStream;

export interface TableReadOptions {
  /** JSON only: object-valued keys spread into `key.child` columns (a preset's choice). */
  flatten?: readonly string[];
  /** The file is on this machine's disk at this path: xlsx reads its ZIP directory there instead of copying it. */
  localFile?: string;
}

export type TableItem = TableHeader | TableRecord[];

/** A JSON value as one cell: text as it is, nested values as their JSON text, null as an empty cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
