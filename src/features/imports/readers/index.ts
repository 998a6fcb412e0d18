import { InputLimitError } from '../../../platform/untrusted-input.ts';
import { readCsvTable } from './csv-table.ts';
import { readJsonTable } from './json-table.ts';
import { type ByteStream, type ImportFormat, type OpenFile, TableFileError, type TableItem, type TableReadOptions } from './table-reader.ts';
import { readXlsxTable } from './xlsx-table.ts';

export { readImportFramesIsolated, readImportTableIsolated } from './isolated-reader.ts';
export { decodeRecordBatch, recordCount, recordRows } from './record-frames.ts';
export { cellText, type ImportFormat, type OpenFile, type RecordProblem, TableFileError, type TableHeader, type TableItem, type TableReadOptions, type TableRecord } from './table-reader.ts';

const SNIFF_BYTES = 64 * 1024;

/** Reads any import file: the format is found from the content (docs/vendor-migration.md#formats), never from its name. */
export async function* readImportTable(open: OpenFile, opts: TableReadOptions = {}): AsyncGenerator<TableItem> {
  try {
    const format = await sniffFormat(open);
    if (format === 'xlsx') yield* readXlsxTable(open, opts);
    else if (format === 'json' || format === 'ndjson') yield* readJsonTable(open, format, opts);
    else yield* readCsvTable(open);
  } catch (error) {
    // Past a limit of the input guard: the same file error, whatever the format (docs/security.md).
    if (error instanceof InputLimitError) throw new TableFileError(error.code, error.message, error.line);
    throw error;
  }
}

/** Looks at the first 64 KB: a ZIP is a workbook; `[` is a JSON array; `{` is NDJSON when its first line is a whole object, else one JSON document. */
export async function sniffFormat(open: OpenFile): Promise<ImportFormat> {
  const head = await firstBytes(open(), SNIFF_BYTES);
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'xlsx';
  if (head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0) {
    throw new TableFileError('unsupported_format', 'This is an old Excel .xls file or a password-protected workbook: save it as .xlsx (without a password) or CSV.');
  }
  const utf16 = head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : undefined;
  const text = new TextDecoder(utf16 ?? 'utf-8').decode(head).replace(/^\uFEFF/, '');
  const start = text.search(/\S/);
  if (start < 0) return 'csv';
  if (text[start] === '[') return 'json';
  if (text[start] !== '{') return 'csv';
  const lineEnd = text.indexOf('\n', start);
  const firstLine = text.slice(start, lineEnd < 0 ? undefined : lineEnd);
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    return 'json';
  }
  // One line holding `{"users": [...]}` and nothing after it is a wrapped array, not one NDJSON record.
  const more = lineEnd >= 0 && text.slice(lineEnd).trim() !== '';
  if (!more && holdsRecords(first)) return 'json';
  return 'ndjson';
}

function holdsRecords(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).some((inner) => Array.isArray(inner) && inner.length > 0 && inner.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item)));
}

async function firstBytes(source: ByteStream, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (length < limit) {
      const next = await iterator.next();
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value);
      parts.push(chunk);
      length += chunk.length;
    }
  } finally {
    await iterator.return?.();
  }
  return Buffer.concat(parts).subarray(0, limit);
}
