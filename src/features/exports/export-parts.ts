import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ObjectStorage } from '../../platform/storage/storage.ts';

/**
 * An export's files (docs/warehouse.md): each part stays under EXPORT_PART_BYTES, is cut at a row's end
 * and carries the CSV header again, and is stored with its size and sha256. The manifest goes last.
 */

export interface StoredPart {
  name: string;
  key: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * Finds where rows end in CSV or JSONL text: a newline outside double quotes. PostgreSQL's CSV quotes
 * every field holding a quote or a newline and doubles inner quotes, and JSON escapes both inside its
 * strings, so counting quotes tells inside from outside across chunks.
 */
export class RowEnds {
  private quoted = false;

  /** Offsets just past each row's newline in `chunk`. */
  scan(chunk: Buffer): number[] {
    const ends: number[] = [];
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index];
      if (byte === 0x22) this.quoted = !this.quoted;
      else if (byte === 0x0a && !this.quoted) ends.push(index + 1);
    }
    return ends;
  }
}

/** Counts and hashes what goes into storage (after compression). */
function measure(): { stream: Transform; result: () => { bytes: number; sha256: string } } {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

export interface RowPartsOptions {
  storage: ObjectStorage;
  /** Storage key of part `index` (0-based) and its file name. */
  partKey: (index: number) => { key: string; name: string };
  contentType: string;
  /** Repeated at the top of every part (CSV). */
  header?: Buffer;
  gzip: boolean;
  /** A part's uncompressed bytes stay under this (a single row larger than it gets a part of its own). */
  maxBytes: number;
  onChunk?: (bytesSoFar: number) => void | Promise<void>;
}

/** Stores rows of text (chunks from COPY) as parts; returns them in order. */
export async function storeRowParts(source: AsyncIterable<Buffer>, options: RowPartsOptions): Promise<StoredPart[]> {
  const iterator = source[Symbol.asyncIterator]();
  const ends = new RowEnds();
  // Whole rows waiting for a part, and the unfinished row at the end of the last chunk.
  let rows: { bytes: Buffer; count: number }[] = [];
  let partial: Buffer[] = [];
  let finished = false;
  let total = 0;

  /** The next whole row (or run of rows), or undefined at the end. */
  async function nextRows(): Promise<{ bytes: Buffer; count: number } | undefined> {
    while (rows.length === 0) {
      if (finished) return undefined;
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        if (partial.length > 0) rows.push({ bytes: Buffer.concat(partial), count: 1 });
        partial = [];
        continue;
      }
      const chunk = next.value;
      total += chunk.length;
      await options.onChunk?.(total);
      let start = 0;
      for (const end of ends.scan(chunk)) {
        const row = chunk.subarray(start, end);
        rows.push({ bytes: partial.length > 0 ? Buffer.concat([...partial, row]) : row, count: 1 });
        partial = [];
        start = end;
      }
      if (start < chunk.length) partial.push(chunk.subarray(start));
    }
    return rows.shift();
  }

  const parts: StoredPart[] = [];
  let pending = await nextRows();
  const headerBytes = options.header?.length ?? 0;
  while (pending !== undefined || parts.length === 0) {
    const { key, name } = options.partKey(parts.length);
    let count = 0;
    async function* body(): AsyncGenerator<Buffer> {
      let size = headerBytes;
      if (options.header) yield options.header;
      // Rows are gathered into ~1 MB writes; a part takes rows while they fit (and always at least one).
      let batch: Buffer[] = [];
      let batchBytes = 0;
      while (pending !== undefined && (count === 0 || size + pending.bytes.length <= options.maxBytes)) {
        size += pending.bytes.length;
        count += pending.count;
        batch.push(pending.bytes);
        batchBytes += pending.bytes.length;
        if (batchBytes >= 1 << 20) {
          yield Buffer.concat(batch);
          batch = [];
          batchBytes = 0;
        }
        pending = await nextRows();
      }
      if (batch.length > 0) yield Buffer.concat(batch);
    }
    const measured = measure();
    const stored = new PassThrough();
    const writing = options.gzip ? pipeline(Readable.from(body()), createGzip(), measured.stream, stored) : pipeline(Readable.from(body()), measured.stream, stored);
    await Promise.all([options.storage.put(key, stored, { contentType: options.contentType }), writing]);
    parts.push({ name, key, rows: count, ...measured.result() });
  }
  return parts;
}

/** Stores a finished local file as a part. */
export async function storeFilePart(storage: ObjectStorage, file: string, target: { key: string; name: string }, rows: number, contentType: string): Promise<StoredPart> {
  const measured = measure();
  const stored = new PassThrough();
  await Promise.all([storage.put(target.key, stored, { contentType }), pipeline(createReadStream(file), measured.stream, stored)]);
  const { bytes, sha256 } = measured.result();
  if (bytes !== (await stat(file)).size) throw new Error(`part ${target.name} was not stored whole`);
  return { ...target, rows, bytes, sha256 };
}

/** Stores a small in-memory object (the manifest) as a part. */
export async function storeBufferPart(storage: ObjectStorage, content: Buffer, target: { key: string; name: string }, contentType: string): Promise<StoredPart> {
  await storage.put(target.key, Readable.from([content]), { contentType });
  return { ...target, rows: 0, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}
