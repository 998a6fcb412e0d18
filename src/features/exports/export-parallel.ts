import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Database } from '../../db/schema.ts';
import type { ObjectStorage } from '../../platform/storage/storage.ts';
import type { ExportColumn } from '../../shared/user-columns.ts';
import type { UserFilters } from '../users/index.ts';
import { buildExportKeySample, buildExportSelect, exportSessionSettings, type ExportKey } from './export-query.ts';
import type { CopyProgress } from './export-progress.ts';
import type { WrittenExport } from './export-writer.ts';

/**
 * pg_dump's technique for one big export: several connections share one snapshot
 * (pg_export_snapshot / SET TRANSACTION SNAPSHOT), each COPYs a disjoint range of the export's
 * order key (created_at, didit_internal_id), and the parts are joined in key order. Every row's CSV
 * is independent of its neighbours, so the file is byte for byte the one a single COPY writes
 * (export-parallel.test.ts). The first part streams straight into storage while the others spool
 * to files of their own (0600, under the data folder), each read back in turn: memory stays flat.
 */

const UTF8_BOM = '\uFEFF';
/** Below this many rows (the planner's estimate) one COPY is as fast and simpler. */
export const PARALLEL_FROM_ROWS = 200_000;
const MAX_PARTS = 4;
const ROWS_PER_PART = 250_000;
/** Rows sampled to place the part boundaries; a skewed split is slower, never wrong. */
const SAMPLE_ROWS = 5_000;
/** A part file this old belongs to an attempt that died (an export job expires after 6 hours). */
const ABANDONED_PART_MS = 6 * 3600 * 1000;

/** Removes part files left by a worker killed mid-export. */
async function removeAbandonedParts(spoolDir: string): Promise<void> {
  const names = await readdir(spoolDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const file = path.join(spoolDir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > ABANDONED_PART_MS) await rm(file, { force: true });
  }
}

export interface ParallelExportOptions {
  pool: pg.Pool;
  db: Kysely<Database>;
  storage: ObjectStorage;
  key: string;
  appId: string;
  filters: UserFilters;
  columns: readonly ExportColumn[];
  /** Where parts wait their turn (created 0700). */
  spoolDir: string;
  /** Fixed number of parts (tests); by default from the row estimate. */
  parts?: number;
  onChunk?: (bytesSoFar: number) => void | Promise<void>;
  /** Called once every part's COPY has started, with what progress tracking needs (export-progress.ts). */
  onCopying?: (progress: CopyProgress) => void;
  /** Typed formats and incremental exports (export-files.ts) bring their own rows, header and sink: */
  /** The SELECT of one key range (default: the CSV columns of buildExportSelect). */
  select?: (range: { from?: ExportKey; to?: ExportKey }) => string;
  /** COPY's options (default `FORMAT csv`). */
  copyOptions?: string;
  /** The file's first bytes (default: the CSV header with a byte order mark; null for none). */
  header?: Buffer | null;
  /** Runs in the snapshot before any COPY (reads what the rows are as of). */
  onSnapshot?: (leader: pg.PoolClient) => Promise<void>;
  /** Stores the body instead of `storage.put(key, …)`. */
  store?: (body: AsyncIterable<Buffer>) => Promise<{ bytes: number }>;
}

async function openSnapshotTransaction(client: pg.PoolClient, snapshot?: string): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  if (snapshot) await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
  for (const setting of exportSessionSettings) await client.query(setting);
}

/** The planner's row estimate for the export's query. */
export async function estimateExportRows(client: pg.ClientBase, selectSql: string): Promise<number> {
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`EXPLAIN (FORMAT JSON) ${selectSql}`);
  return rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
}

/** Boundaries splitting the rows into `parts` ranges of about equal size, from a page sample in the snapshot. */
async function partBoundaries(client: pg.ClientBase, options: ParallelExportOptions, estimate: number, parts: number): Promise<ExportKey[]> {
  const percent = Math.min(100, Math.max(0.01, (100 * SAMPLE_ROWS) / Math.max(1, estimate)));
  const { rows } = await client.query<{ created_at: string; id: string }>(buildExportKeySample(options.db, options.appId, options.filters, percent));
  const boundaries: ExportKey[] = [];
  for (let part = 1; part < parts; part++) {
    const row = rows[Math.floor((rows.length * part) / parts)];
    const previous = boundaries.at(-1);
    if (row && (!previous || previous.createdAt !== row.created_at || previous.id !== row.id)) boundaries.push({ createdAt: row.created_at, id: row.id });
  }
  return boundaries;
}

/** Writes the export with several COPYs in one snapshot; falls back to a single part for small results. */
export async function writeExportInParallel(options: ParallelExportOptions): Promise<WrittenExport & { parts: number }> {
  const leader = await options.pool.connect();
  const clients: pg.PoolClient[] = [];
  const spooled: string[] = [];
  let healthy = false;
  let source: Readable | undefined;
  try {
    await openSnapshotTransaction(leader);
    const { rows } = await leader.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    const snapshot = rows[0]!.snapshot;
    await options.onSnapshot?.(leader);
    const selectOf = options.select ?? ((range: { from?: ExportKey; to?: ExportKey }) => buildExportSelect(options.db, options.appId, options.filters, options.columns, range));
    const wholeSelect = selectOf({});
    const estimate = await estimateExportRows(leader, wholeSelect);
    const wanted = options.parts ?? Math.min(MAX_PARTS, Math.max(1, Math.floor(estimate / ROWS_PER_PART)));
    const boundaries = wanted > 1 ? await partBoundaries(leader, options, estimate, wanted) : [];
    const ranges = [undefined, ...boundaries].map((from, index) => ({ from, to: boundaries[index] }));

    // Part 0 runs on the leader itself; the others join its snapshot on connections of their own.
    const copies: (Readable & { rowCount: number })[] = [];
    for (const [index, range] of ranges.entries()) {
      let client = leader;
      if (index > 0) {
        client = await options.pool.connect();
        clients.push(client);
        await openSnapshotTransaction(client, snapshot);
      }
      copies.push(client.query(copyTo(`COPY (${selectOf(range)}) TO STDOUT WITH (${options.copyOptions ?? 'FORMAT csv'})`)) as unknown as Readable & { rowCount: number });
    }
    const backends = [leader, ...clients] as unknown as { processID: number }[];
    options.onCopying?.({ pids: backends.map((client) => client.processID), finishedRows: () => copies.reduce((sum, copy) => sum + copy.rowCount, 0) });
    if (copies.length > 1) {
      await mkdir(options.spoolDir, { recursive: true, mode: 0o700 });
      await removeAbandonedParts(options.spoolDir);
    }
    const spooling = copies.slice(1).map((copy) => {
      const file = path.join(options.spoolDir, `${path.basename(options.key, '.csv')}-${randomBytes(6).toString('hex')}.part`);
      spooled.push(file);
      const written = pipeline(copy, createWriteStream(file, { mode: 0o600 }));
      written.catch(() => {}); // awaited in order below
      return { file, written };
    });

    const header = options.header === undefined ? Buffer.from(`${UTF8_BOM}${options.columns.join(',')}\n`, 'utf8') : options.header;
    const { onChunk } = options;
    async function* body(): AsyncGenerator<Buffer> {
      let bytes = header?.length ?? 0;
      if (header) yield header;
      for await (const chunk of copies[0]! as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (onChunk) await onChunk(bytes);
        yield chunk;
      }
      for (const part of spooling) {
        await part.written;
        for await (const chunk of createReadStream(part.file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (onChunk) await onChunk(bytes);
          yield chunk;
        }
        await rm(part.file, { force: true });
      }
    }
    source = Readable.from(body(), { objectMode: false });
    const { bytes } = options.store ? await options.store(source) : await options.storage.put(options.key, source, { contentType: 'text/csv; charset=utf-8' });
    for (const client of clients) await client.query('COMMIT');
    await leader.query('COMMIT');
    healthy = true;
    return { rowCount: copies.reduce((sum, copy) => sum + copy.rowCount, 0), bytes, parts: copies.length };
  } finally {
    if (!healthy) source?.destroy();
    await Promise.all(spooled.map((file) => rm(file, { force: true })));
    // A connection left mid-COPY cannot be reused: destroy it rather than return it to the pool.
    for (const client of clients) client.release(healthy ? undefined : true);
    leader.release(healthy ? undefined : true);
  }
}
