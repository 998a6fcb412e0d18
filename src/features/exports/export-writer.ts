import { Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ObjectStorage } from '../../platform/storage/storage.ts';
import { exportSessionSettings } from './export-query.ts';

/** Excel opens a CSV as UTF-8 only when it starts with the byte order mark. */
const UTF8_BOM = '\uFEFF';

export interface WriteExportOptions {
  pool: pg.Pool;
  storage: ObjectStorage;
  key: string;
  /** `COPY (SELECT …) TO STDOUT WITH (FORMAT csv)`, from buildExportCopy. */
  copyStatement: string;
  header: readonly string[];
  /** Sees every chunk before it is stored; throwing aborts the write (tests inject failures here). */
  onChunk?: (bytesSoFar: number) => void | Promise<void>;
  /** Sees every chunk of CSV as it is stored (progress counting). */
  onData?: (chunk: Buffer) => void;
}

export interface WrittenExport {
  rowCount: number;
  bytes: number;
}

/**
 * Streams the rows from PostgreSQL straight into storage, in one REPEATABLE READ snapshot, holding
 * at most a few chunks in memory. The object exists only once the whole file is stored.
 */
export async function writeExport(options: WriteExportOptions): Promise<WrittenExport> {
  const client = await options.pool.connect();
  let healthy = false;
  let source: Readable | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const setting of exportSessionSettings) await client.query(setting);
    const copy = client.query(copyTo(options.copyStatement));
    const header = Buffer.from(`${UTF8_BOM}${options.header.join(',')}\n`, 'utf8');
    const onChunk = options.onChunk;
    async function* body(): AsyncGenerator<Buffer> {
      let bytes = header.length;
      yield header;
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (onChunk) await onChunk(bytes);
        options.onData?.(chunk);
        yield chunk;
      }
    }
    source = Readable.from(body(), { objectMode: false });
    const { bytes } = await options.storage.put(options.key, source, { contentType: 'text/csv; charset=utf-8' });
    // COPY's row count arrives with its CommandComplete, which pg has handled once COMMIT returns.
    await client.query('COMMIT');
    healthy = true;
    return { rowCount: copy.rowCount, bytes };
  } finally {
    // storage.put leaves a failed body to its caller: stopping it ends the COPY iteration too.
    if (!healthy) source?.destroy();
    // A connection left mid-COPY cannot be reused: destroy it rather than return it to the pool.
    client.release(healthy ? undefined : true);
  }
}
