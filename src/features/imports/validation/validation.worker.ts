import { parentPort } from 'node:worker_threads';
import pg from 'pg';
import { findExistingUsers } from '../staging/import-rows.repository.ts';
import { processBatch, type RowBatch } from './row-batch.ts';

/** A validation thread: checks batches of rows (user-fields' phone check dominates) and looks up their users. */

export interface WorkerDatabase {
  url: string;
  schema: string;
}

export interface BatchRequest {
  id: number;
  database: WorkerDatabase;
  batch: RowBatch;
}

const pools = new Map<string, pg.Pool>();

function poolFor(database: WorkerDatabase): pg.Pool {
  const key = `${database.url}|${database.schema}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new pg.Pool({
      connectionString: database.url,
      max: 2,
      idleTimeoutMillis: 10_000,
      options: database.schema === 'public' ? undefined : `-c search_path=${database.schema}`,
    });
    pool.on('error', () => {});
    pools.set(key, pool);
  }
  return pool;
}

parentPort!.on('message', (request: BatchRequest) => {
  const pool = poolFor(request.database);
  processBatch(request.batch, (appId, keys) => findExistingUsers(pool, appId, keys)).then(
    // The bytes are moved, not copied: the job's thread writes them to COPY as they are, and its
    // heap never holds the text (left to V8, that garbage grows the process by 100 MB on big files).
    (result) => parentPort!.postMessage({ id: request.id, result }, [result.copyData.buffer as ArrayBuffer, result.keys.buffer as ArrayBuffer]),
    (error: Error) => parentPort!.postMessage({ id: request.id, error: { message: error.message, code: (error as { code?: string }).code } }),
  );
});
