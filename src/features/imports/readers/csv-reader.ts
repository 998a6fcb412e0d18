/**
 * Streaming CSV reader for user imports (docs/imports.md#file-format).
 *
 * A hand-written state machine rather than papaparse: bench/csv-parser.bench.ts measures it
 * faster than raw papaparse, and papaparse cannot give physical line numbers, mixes up CRLF/LF
 * when they are mixed, lets one stray quote swallow rows, and re-scans a long quoted field from
 * its start on every chunk (quadratic on an unclosed quote in a 256 MB file).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { inputGuard, inputLimits } from '../../../platform/untrusted-input.ts';

export type CsvFileErrorCode =
  | 'empty_file' | 'binary_content' | 'unterminated_quote'
  | 'missing_vendor_data_column' | 'invalid_encoding' | 'duplicate_column';

export class CsvFileError extends Error {
  constructor(public code: CsvFileErrorCode, message: string, public line?: number) {
    super(message);
    this.name = 'CsvFileError';
  }
}

export interface CsvHeader {
  /** Decided from the bytes. An ASCII-only prefix reads as 'utf-8'; if later bytes prove the file
   * Windows-1252 this object is updated in place (the text read so far is the same in both). */
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  delimiter: ',' | ';' | '\t' | '|';
  columns: string[];
  normalized: string[];
}

/** `droppedFields`: fields past the header's count plus a small margin, counted but not kept (one error, not stored). */
export interface CsvRecord { row: number; line: number; fields: string[]; droppedFields?: number }

type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;
/** A stream, or a function that opens it again: given a function, a non-UTF-16 file whose first
 * non-ASCII bytes are valid UTF-8 is checked whole (one extra read) before its text is used, so a
 * bad byte far down reads it all as Windows-1252 instead of failing with `invalid_encoding`. */
export type CsvSource = ByteSource | (() => ByteSource);
/** `requiredColumn: null`: no column is required (an import's mapping decides, docs/vendor-migration.md#formats). */
export interface ReadCsvOptions { requiredColumn?: string | null }

const QUOTE = 0x22, LF = 0x0a, CR = 0x0d, TAB = 0x09, SPACE = 0x20;
const DELIMITERS = [',', ';', '\t', '|'] as const;
const DELIMITER_CODES = DELIMITERS.map((d) => d.charCodeAt(0));
const SNIFF_BYTES = 64 * 1024;
const MAX_HEADER_CHARS = 1 << 20;
// One record is held whole; past this it is a runaway quote or not a table, never a user row.
const MAX_RECORD_CHARS = inputLimits.recordChars;
// Text reaches the parser in slices of this size, so the caps above are checked at least this often.
const PUSH_SLICE_CHARS = 64 * 1024;

const START = 0, UNQUOTED = 1, QUOTED = 2, QUOTE_SEEN = 3;

export function normalizeColumn(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export function stripFormulaGuard(cell: string): string {
  if (cell.charCodeAt(0) !== 0x27 || cell.length < 2) return cell;
  return "=+-@'\t\r".includes(cell[1]!) ? cell.slice(1) : cell;
}

/** Header first, then records in arrays of one decoded chunk each (~64 KB): the cheap way. */
export async function* readCsvBatches(source: CsvSource, opts: ReadCsvOptions = {}): AsyncGenerator<CsvHeader | CsvRecord[]> {
  const required = opts.requiredColumn === null ? null : normalizeColumn(opts.requiredColumn ?? 'vendor_data');
  const decoded: { encoding: CsvHeader['encoding'] } = { encoding: 'utf-8' };
  let parser: CsvParser | undefined;
  let pending = '';
  let header: CsvHeader | undefined;
  const startParser = (atEnd: boolean): CsvParser | undefined => {
    const delimiter = sniffDelimiter(pending, atEnd);
    if (delimiter === undefined) return undefined;
    const started = new CsvParser(delimiter, !decoded.encoding.startsWith('utf-16'));
    const text = pending;
    pending = '';
    for (let i = 0; i < text.length; i += PUSH_SLICE_CHARS) started.push(text.slice(i, i + PUSH_SLICE_CHARS));
    return started;
  };
  try {
    for await (const text of decodeText(source, decoded)) {
      if (parser) parser.push(text);
      else {
        pending += pending === '' ? text.replace(/^\uFEFF+/, '') : text;
        // The header can only end in a piece holding a line break: sniffing only then keeps a long header linear.
        if (!/[\r\n]/.test(text) && pending.length < MAX_HEADER_CHARS) continue;
        if (!(parser = startParser(false))) continue;
      }
      if (!header && parser.header) {
        header = buildHeader(parser, decoded.encoding, required);
        yield header;
      }
      if (header) {
        header.encoding = decoded.encoding;
        if (parser.out.length > 0) yield parser.take();
      }
    }
  } catch (err) {
    if (!(err instanceof InvalidUtf8)) throw err;
    const at = parser ?? startParser(true)!;
    throw new CsvFileError('invalid_encoding', `Line ${at.line} is not valid UTF-8, though the file reads as UTF-8 before it.`, at.line);
  }
  parser ??= startParser(true)!;
  parser.end();
  if (!parser.header) throw new CsvFileError('empty_file', 'The file is empty.');
  if (!header) yield buildHeader(parser, decoded.encoding, required);
  if (parser.out.length > 0) yield parser.take();
}

export async function* readCsv(source: CsvSource, opts?: ReadCsvOptions): AsyncGenerator<CsvHeader | CsvRecord> {
  for await (const item of readCsvBatches(source, opts)) {
    if (!Array.isArray(item)) yield item;
    else for (const record of item) yield record;
  }
}

function buildHeader(parser: CsvParser, encoding: CsvHeader['encoding'], required: string | null): CsvHeader {
  const { fields, line } = parser.header!;
  inputGuard.columns(fields.length, line);
  let nameChars = 0;
  for (const cell of fields) nameChars += cell.length;
  inputGuard.headerChars(nameChars, line);
  const columns = fields.map((cell) => cell.replace(/^\uFEFF+/, '').trim());
  const normalized = columns.map(normalizeColumn);
  const seen = new Set<string>();
  for (const [i, name] of normalized.entries()) {
    // Trailing empty header cells (`a;b;;`) are common in spreadsheet exports and name nothing.
    if (name === '') continue;
    if (seen.has(name)) throw new CsvFileError('duplicate_column', `Column "${columns[i]}" appears more than once in the header.`, line);
    seen.add(name);
  }
  if (required !== null && !seen.has(required)) {
    throw new CsvFileError('missing_vendor_data_column', `The header has no "${required}" column.`, line);
  }
  const delimiter = DELIMITERS[DELIMITER_CODES.indexOf(parser.delimiter)]!;
  return { encoding, delimiter, columns, normalized };
}

/** The candidate found most often in the first non-blank line, outside quoted fields; undefined
 * while that line has not ended yet. */
function sniffDelimiter(text: string, atEnd: boolean): number | undefined {
  const counts = [0, 0, 0, 0];
  let content = false, quoted = false, fieldStart = true;
  const best = () => DELIMITER_CODES[counts.indexOf(Math.max(...counts))]!;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c !== QUOTE) continue;
      if (i + 1 === text.length && !atEnd) return undefined;
      if (text.charCodeAt(i + 1) === QUOTE) i++;
      else quoted = false;
    } else if (c === LF || c === CR) {
      if (content) return best();
      counts.fill(0);
      fieldStart = true;
    } else if (c === QUOTE && fieldStart) {
      quoted = content = true;
    } else {
      const k = DELIMITER_CODES.indexOf(c);
      if (k >= 0) counts[k]!++;
      if (c !== SPACE && c !== TAB) content = true;
      fieldStart = k >= 0;
    }
  }
  return atEnd || text.length >= MAX_HEADER_CHARS ? best() : undefined;
}

/** Push-style state machine over decoded text; keeps its state across chunk boundaries. */
class CsvParser {
  /** Physical line of the next character. */
  line = 1;
  header: { fields: string[]; line: number } | undefined;
  out: CsvRecord[] = [];
  private rows = 0;
  private state = START;
  private fields: string[] = [];
  private part = '';
  private recordLine = 1;
  private quoteLine = 0;
  private lastChar = 0;
  /** Fields of the record in hand past the cap (counted, not kept). */
  private dropped = 0;
  private fieldCap: number = inputLimits.columns;

  constructor(readonly delimiter: number, private readonly rejectControl: boolean) {}

  take(): CsvRecord[] {
    const records = this.out;
    this.out = [];
    return records;
  }

  push(s: string): void {
    const n = s.length, D = this.delimiter;
    let state = this.state, part = this.part, line = this.line, fields = this.fields;
    let i = 0, fs = 0, c = 0;
    outer: while (i < n) {
      if (state === START) {
        c = s.charCodeAt(i);
        if (c === QUOTE) { state = QUOTED; this.quoteLine = line; fs = ++i; continue; }
        // The LF of a CRLF whose CR already ended the record.
        if (c === LF && (i > 0 ? s.charCodeAt(i - 1) : this.lastChar) === CR) { i++; continue; }
        state = UNQUOTED;
        fs = i;
      }
      if (state === UNQUOTED) {
        for (; i < n; i++) {
          c = s.charCodeAt(i);
          if (c === D) {
            fields.push(part + s.slice(fs, i));
            part = '', state = START, i++;
            continue outer;
          }
          if (c >= SPACE || c === TAB) continue;
          if (c !== LF && c !== CR) {
            if (this.rejectControl) throw controlCharacter(c, line);
            continue;
          }
          fields = this.endRecord(fields, part + s.slice(fs, i), true);
          part = '', state = START, i++;
          this.recordLine = ++line;
          continue outer;
        }
        part += s.slice(fs, n);
        break;
      }
      if (state === QUOTED) {
        for (; i < n; i++) {
          c = s.charCodeAt(i);
          if (c === QUOTE) break;
          if (c >= SPACE || c === TAB) continue;
          if (c === CR || c === LF && (i > 0 ? s.charCodeAt(i - 1) : this.lastChar) !== CR) line++;
          else if (c !== LF && this.rejectControl) throw controlCharacter(c, line);
        }
        part += s.slice(fs, i);
        if (i === n) break;
        state = QUOTE_SEEN;
        if (++i === n) break;
      }
      // QUOTE_SEEN: the quote just read either doubles, closes the field, or is followed by text.
      c = s.charCodeAt(i);
      if (c === QUOTE) {
        part += '"', state = QUOTED, fs = ++i;
      } else if (c === D) {
        fields.push(part);
        part = '', state = START, i++;
      } else if (c === LF || c === CR) {
        fields = this.endRecord(fields, part, false);
        part = '', state = START, i++;
        this.recordLine = ++line;
      } else {
        // `"ab"cd` reads as `abcd`, as Excel does, instead of reopening the quote and swallowing
        // the rows that follow.
        state = UNQUOTED, fs = i;
      }
    }
    this.state = state, this.part = part, this.line = line, this.fields = fields;
    if (n > 0) this.lastChar = s.charCodeAt(n - 1);
    this.checkRecordSize();
  }

  end(): void {
    if (this.state === QUOTED) {
      throw new CsvFileError('unterminated_quote', `The quoted field opened on line ${this.quoteLine} is never closed.`, this.quoteLine);
    }
    if (this.state !== START || this.fields.length > 0) this.endRecord(this.fields, this.part, this.state !== QUOTE_SEEN);
    this.fields = [], this.part = '', this.state = START;
  }

  /** Returns the array to collect the next record's fields into. */
  private endRecord(fields: string[], last: string, lastUnquoted: boolean): string[] {
    // A whitespace-only line is blank; quoteLine === recordLine means this line's only field was quoted.
    if (fields.length === 0 && lastUnquoted && this.quoteLine !== this.recordLine && last.trim() === '') return fields;
    fields.push(last);
    this.capFields(fields);
    if (this.header) {
      const record: CsvRecord = { row: ++this.rows, line: this.recordLine, fields };
      if (this.dropped > 0) record.droppedFields = this.dropped;
      this.out.push(record);
    } else {
      // Before the header, a line of whitespace and tab delimiters is blank too, as the sniffer saw it.
      if (fields.every((f) => f.trim() === '')) return [];
      this.header = { fields, line: this.recordLine };
      this.fieldCap = fields.length + inputLimits.extraFieldsKept;
    }
    this.dropped = 0;
    return [];
  }

  /** A header past inputLimits.columns ends the file; a row's fields past the cap are dropped and counted. */
  private capFields(fields: string[]): void {
    if (fields.length <= this.fieldCap) return;
    if (!this.header) inputGuard.columns(fields.length, this.recordLine);
    this.dropped += fields.length - this.fieldCap;
    fields.length = this.fieldCap;
  }

  private checkRecordSize(): void {
    this.capFields(this.fields);
    let size = this.part.length;
    for (const f of this.fields) size += f.length;
    if (size <= MAX_RECORD_CHARS) return;
    if (this.state === QUOTED || this.state === QUOTE_SEEN) {
      throw new CsvFileError('unterminated_quote', `The quoted field opened on line ${this.quoteLine} runs on for over ${MAX_RECORD_CHARS >> 20} MiB: its closing quote is missing.`, this.quoteLine);
    }
    throw new CsvFileError('binary_content', `Line ${this.recordLine} runs on for over ${MAX_RECORD_CHARS >> 20} MiB: this is not a CSV table.`, this.recordLine);
  }
}

function controlCharacter(c: number, line: number): CsvFileError {
  const byte = `0x${c.toString(16).padStart(2, '0')}`;
  return new CsvFileError('binary_content', `Line ${line} holds the control byte ${byte}: this is not a text file.`, line);
}

// ---- bytes to text ----------------------------------------------------------------------------

class InvalidUtf8 extends Error {}

// Node 20's TextDecoder('windows-1252') decodes as Latin-1 (0x80 gives U+0080, not €), and
// iconv-lite runs at half the parser's speed: Latin-1 plus the 32 code points where 1252 differs.
// Its five undefined bytes keep their C1 code points, as WHATWG decoders do.
const CP1252_80_9F = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f'
  + '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';
const decodeCp1252 = (buf: Buffer): string =>
  buf.toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]!);

async function* bytesOf(source: ByteSource): AsyncGenerator<Buffer> {
  for await (const chunk of source as AsyncIterable<Buffer | Uint8Array | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8')
      : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (buf.length > 0) yield buf;
  }
}

/** Decodes the stream and records the encoding it settles on in `decoded`. Throws InvalidUtf8
 * after yielding the text before a bad byte once UTF-8 text has been handed on. */
async function* decodeText(source: CsvSource, decoded: { encoding: CsvHeader['encoding'] }): AsyncGenerator<string> {
  const reopen = typeof source === 'function' ? source : undefined;
  const bytes = bytesOf(reopen ? reopen() : source as ByteSource);
  try {
    // The encoding is settled on the first 64 KB before any text goes out; the pieces are then
    // decoded as they came, so that the parser meets the same chunk boundaries as the bytes.
    const headParts: Buffer[] = [];
    let headLength = 0, eof = false;
    while (headLength < SNIFF_BYTES) {
      const next = await bytes.next();
      if (next.done) { eof = true; break; }
      headParts.push(next.value);
      headLength += next.value.length;
    }
    const head = Buffer.concat(headParts);
    const rest = async function* () {
      for (const [i, part] of headParts.entries()) yield [part, eof && i === headParts.length - 1] as const;
      for await (const part of bytes) yield [part, false] as const;
    };

    if (head[0] === 0xff && head[1] === 0xfe || head[0] === 0xfe && head[1] === 0xff) {
      decoded.encoding = head[0] === 0xff ? 'utf-16le' : 'utf-16be';
      const decoder = new TextDecoder(decoded.encoding);
      for await (const [part] of rest()) yield decoder.decode(part, { stream: true });
      yield decoder.decode();
      return;
    }

    const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    decoded.encoding = bom ? 'utf-8-bom' : 'utf-8';
    // 'ascii' is undecided: ASCII reads the same in UTF-8 and Windows-1252.
    let mode: 'ascii' | 'utf8' | 'cp1252' = 'ascii';
    let tail: Buffer | undefined;
    let invalid = false;
    let skip = bom ? 3 : 0;
    const decide = async (buf: Buffer, atEof: boolean) => {
      let utf8 = isUtf8(buf.subarray(0, atEof ? buf.length : completeUtf8Length(buf)));
      if (utf8 && reopen) utf8 = await isWholeStreamUtf8(reopen());
      mode = utf8 ? 'utf8' : 'cp1252';
      if (!utf8) decoded.encoding = 'windows-1252';
    };
    const toText = async (chunk: Buffer, atEof: boolean): Promise<string> => {
      let buf = tail ? Buffer.concat([tail, chunk]) : chunk;
      tail = undefined;
      const end = atEof ? buf.length : completeUtf8Length(buf);
      if (mode === 'ascii') {
        if (isAscii(buf)) return buf.toString('latin1');
        // Only a character cut at the end is non-ASCII: decide with the next piece.
        if (isAscii(buf.subarray(0, end))) {
          tail = Buffer.from(buf.subarray(end));
          return buf.toString('latin1', 0, end);
        }
        await decide(buf, atEof);
      }
      if (mode === 'cp1252') return decodeCp1252(buf);
      // Copied: the source may reuse its buffer.
      if (end < buf.length) tail = Buffer.from(buf.subarray(end));
      if (isUtf8(buf.subarray(0, end))) return buf.toString('utf8', 0, end);
      invalid = true;
      return buf.toString('utf8', 0, firstInvalidUtf8(buf.subarray(0, end)));
    };

    if (!isAscii(head.subarray(skip))) await decide(head.subarray(skip), eof);
    for await (let [part, atEof] of rest()) {
      if (skip > 0) {
        const k = Math.min(skip, part.length);
        part = part.subarray(k);
        skip -= k;
      }
      yield await toText(part, atEof);
      if (invalid) throw new InvalidUtf8();
    }
    if (tail) {
      yield await toText(Buffer.alloc(0), true);
      if (invalid) throw new InvalidUtf8();
    }
  } finally {
    await bytes.return(undefined);
  }
}

/** Length of `buf` without a multi-byte sequence cut off at its end. */
function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) return (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) > k ? n - k : n;
  }
  return n;
}

/** Offset of the first byte that starts no valid UTF-8 sequence (only used to place an error). */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    const second = b[i + 1]!;
    if (len > 1 && (c === 0xe0 && second < 0xa0 || c === 0xed && second > 0x9f || c === 0xf0 && second < 0x90 || c === 0xf4 && second > 0x8f)) return i;
    for (let k = 1; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return b.length;
}

async function isWholeStreamUtf8(source: ByteSource): Promise<boolean> {
  let tail: Buffer | undefined;
  for await (const chunk of bytesOf(source)) {
    const buf = tail ? Buffer.concat([tail, chunk]) : chunk;
    const end = completeUtf8Length(buf);
    if (!isUtf8(buf.subarray(0, end))) return false;
    tail = end < buf.length ? Buffer.from(buf.subarray(end)) : undefined;
  }
  return tail === undefined;
}
