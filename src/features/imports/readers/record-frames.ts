import type { TableRecord } from './table-reader.ts';

/**
 * How a batch of records crosses from the reader process to the job, and on to a validation thread
 * (readers/isolated-reader.ts, validation/validation-pool.ts), as one buffer: JSON both ways and a
 * structured clone of the row objects cost ~5 µs a row (bench/RESULTS.md, issue #24), this ~1 µs,
 * and the job's thread passes the bytes on without reading them.
 *
 * Layout: int32 words (little-endian), then the text of every field, then rare extras as JSON.
 *   words: [count, text encoding (0 latin1, 1 UTF-16), text bytes, extras bytes, word count,
 *           then per record: row, line, field count, dropped fields, field lengths (UTF-16 units)…]
 * Latin-1 when every character of the batch fits in a byte (one byte a character, and the strings
 * read back are V8's compact kind), else UTF-16: both give back exactly the code units written,
 * lone surrogates included (UTF-8 would not).
 */
const HEAD_WORDS = 5;
const WIDE = /[^\u0000-\u00ff]/;

export function encodeRecordBatch(records: readonly TableRecord[]): Buffer {
  let words = HEAD_WORDS;
  for (const record of records) words += 4 + record.fields.length;
  const ints = new Int32Array(words);
  let w = HEAD_WORDS;
  let text = '';
  let extras: [number, Pick<TableRecord, 'problem' | 'typed'>][] | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const fields = record.fields;
    ints[w++] = record.row;
    ints[w++] = record.line;
    ints[w++] = fields.length;
    ints[w++] = record.droppedFields ?? 0;
    for (let j = 0; j < fields.length; j++) {
      const field = fields[j]!;
      ints[w++] = field.length;
      text += field;
    }
    if (record.problem || record.typed) (extras ??= []).push([i, { problem: record.problem, typed: record.typed }]);
  }
  const wide = WIDE.test(text);
  const extrasText = extras ? JSON.stringify(extras) : '';
  const textBytes = wide ? text.length * 2 : text.length;
  const extrasBytes = Buffer.byteLength(extrasText);
  ints[0] = records.length;
  ints[1] = wide ? 1 : 0;
  ints[2] = textBytes;
  ints[3] = extrasBytes;
  ints[4] = words;
  // Not from Node's shared pool: the bytes can be moved to another thread as they are.
  const body = Buffer.allocUnsafeSlow(words * 4 + textBytes + extrasBytes);
  Buffer.from(ints.buffer).copy(body, 0);
  body.write(text, words * 4, textBytes, wide ? 'utf16le' : 'latin1');
  if (extrasBytes > 0) body.write(extrasText, words * 4 + textBytes, extrasBytes, 'utf8');
  return body;
}

/** The int32 words of a batch; `bytes` must start on a 4-byte boundary of its buffer (copy it first otherwise). */
function wordsOf(bytes: Uint8Array): Int32Array {
  const head = new Int32Array(bytes.buffer, bytes.byteOffset, HEAD_WORDS);
  return new Int32Array(bytes.buffer, bytes.byteOffset, head[4]!);
}

/** A batch's own copy, 4-byte aligned and in a buffer of its own (so it can be transferred to a thread). */
export function ownRecordBatch(bytes: Uint8Array): Uint8Array {
  const own = new Uint8Array(bytes.length);
  own.set(bytes);
  return own;
}

/** How many records a batch holds. */
export function recordCount(bytes: Uint8Array): number {
  return new Int32Array(bytes.buffer, bytes.byteOffset, 1)[0]!;
}

/** Each record's row number, in order. */
export function recordRows(bytes: Uint8Array): Int32Array {
  const ints = wordsOf(bytes);
  const rows = new Int32Array(ints[0]!);
  let w = HEAD_WORDS;
  for (let i = 0; i < rows.length; i++) {
    rows[i] = ints[w]!;
    w += 4 + ints[w + 2]!;
  }
  return rows;
}

export function decodeRecordBatch(bytes: Uint8Array): TableRecord[] {
  const ints = wordsOf(bytes);
  const [count, wide, textBytes, extrasBytes, words] = ints as unknown as [number, number, number, number, number];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const textStart = words * 4;
  const text = buffer.toString(wide ? 'utf16le' : 'latin1', textStart, textStart + textBytes);
  const records: TableRecord[] = new Array(count);
  let w = HEAD_WORDS;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const row = ints[w]!;
    const line = ints[w + 1]!;
    const fieldCount = ints[w + 2]!;
    const dropped = ints[w + 3]!;
    w += 4;
    const fields: string[] = new Array(fieldCount);
    for (let j = 0; j < fieldCount; j++) {
      const length = ints[w++]!;
      fields[j] = text.slice(at, at + length);
      at += length;
    }
    const record: TableRecord = { row, line, fields };
    if (dropped > 0) record.droppedFields = dropped;
    records[i] = record;
  }
  if (extrasBytes > 0) {
    const extras = JSON.parse(buffer.toString('utf8', textStart + textBytes, textStart + textBytes + extrasBytes)) as [number, Pick<TableRecord, 'problem' | 'typed'>][];
    for (const [index, extra] of extras) {
      if (extra.problem) records[index]!.problem = extra.problem;
      if (extra.typed) records[index]!.typed = extra.typed;
    }
  }
  return records;
}
