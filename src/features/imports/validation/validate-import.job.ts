import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { defineJob, type JobInfo } from '../../../platform/jobs/jobs.ts';
import { keepAlive, transitionOnClient } from '../../../platform/operations/index.ts';
import { StorageNotFoundError } from '../../../platform/storage/storage.ts';
import { importOperation } from '../import-operation.ts';
import { auditImport } from '../import-audit.ts';
import { applicationHasUsers, deleteImportRows, findExistingUsers, importRowsCopySql, markDuplicateRows } from '../staging/import-rows.repository.ts';
import { failImport, findImportForJob, type ImportRecord } from '../imports.repository.ts';
import type { ImportFileError } from '../imports.tables.ts';
import { markNeedsMapping } from './needs-mapping.ts';
import { decodeRecordBatch, readImportFramesIsolated, recordCount, recordRows, TableFileError, type TableHeader, type TableRecord } from '../readers/index.ts';
import { importDecisions, NeedsMapping, requireVendorData, SampleCollector, type StagePlan } from '../staging/stage-plan.ts';
import { addCounts, type BatchCounts, type BatchResult, emptyCounts, processBatch, type RowBatch } from './row-batch.ts';
import { validationPool } from './validation-pool.ts';
import { countAppUsersUpTo, refreshUserStatisticsIfAppOutgrew, refreshUserStatisticsIfStale } from '../../users/index.ts';
import { rowsProcessed } from '../../../platform/metrics.ts';
import { collapseWarnings } from './preview-limits.ts';
import { RepeatedKeys } from './repeated-keys.ts';
import { importWriteModes, removalWarnings } from '../write-options.ts';
import { PreviewPhases } from './preview-phases.ts';

export const VALIDATE_RETRY_LIMIT = 5;
// A batch is a unit of work for a validation thread: this many rows, or fewer when cells are long.
const BATCH_ROWS = 500;
const BATCH_CHARS = 1_000_000;
// Below this a file is checked on the job's own thread: starting threads would cost more than they save.
const THREADS_FROM_BYTES = 512 * 1024;
const CANCEL_CHECK_MS = 1_000;

/** A file the import cannot read as a whole: the import fails with this error, and no retry would help. */
export class ImportFileProblem extends Error {
  constructor(readonly error: ImportFileError) {
    super(error.message);
  }
}

class ValidationStopped extends Error {}

/** Validation (the preview): every row checked and classified, all of them COPYed into import_rows. */
export const validateImportJob = defineJob<{ importId: string }, AppContext>({
  name: 'imports.validate',
  payload: z.object({ importId: z.string().uuid() }),
  // The heartbeat lets a crashed worker's job be failed and retried within seconds; a retry starts over.
  queue: { heartbeatSeconds: 10, expireInSeconds: 2 * 3600, retryLimit: VALIDATE_RETRY_LIMIT, retryDelay: 1, notify: true },
  work: { localConcurrency: 2 },
  perOrganization: 1,
  async handle({ importId }, ctx, job) {
    try {
      await validateImport(ctx, importId, job);
    } catch (error) {
      if (job.retryCount >= VALIDATE_RETRY_LIMIT) await giveUp(ctx, importId, error as Error);
      throw error;
    }
  },
  // Its process died twice while validating (platform/jobs/job-runs.ts): the import fails instead of a third try.
  async poisoned({ importId }, ctx, message) {
    const record = await findImportForJob(ctx.db, importId);
    if (record?.status === 'validating') await failValidation(ctx, record, { code: 'job_crashed', message });
  },
});

export async function validateImport(ctx: AppContext, importId: string, job: Pick<JobInfo, 'signal'>): Promise<void> {
  const record = await findImportForJob(ctx.db, importId);
  if (!record || record.status !== 'validating') return;
  // Beats while it reads, however long a step takes; the sweeper reads it (docs/operations.md).
  const alive = keepAlive(ctx.db, importOperation, { id: importId });
  const phases = new PreviewPhases();
  // Every batch looks its vendor_data up in users: with stale statistics each lookup scans the application.
  // The table-wide rule misses an application that grew by less than a tenth of the table since the last
  // ANALYZE (90,000 users beside 1,000,000: each 500-row lookup read all 90,000, 131 ms against 2 ms, and
  // a 100,000-row preview crawled for a minute under load), so the application's own size is checked too.
  await phases.time('statistics', refreshStatistics(ctx, record.app_id));
  const client = await ctx.database.pool.connect();
  let clean = false;
  try {
    await stageRows(ctx, client, record, job.signal, phases);
    clean = true;
    ctx.log.info(`import ${importId}: validated ${record.file_bytes} bytes: ${phases.summary()}`);
  } catch (error) {
    // Cancelled: nothing left to do. Interrupted (shutdown, job taken away): the job is retried and starts over.
    if (error instanceof ValidationStopped && !job.signal.aborted) return;
    if (error instanceof NeedsMapping) {
      await markNeedsMapping(ctx, record, error);
      return;
    }
    if (!(error instanceof ImportFileProblem)) throw error;
    await failValidation(ctx, record, error.error);
  } finally {
    alive.stop();
    // A connection left mid-COPY or mid-transaction is closed, which rolls it back.
    client.release(clean ? undefined : true);
  }
}

async function refreshStatistics(ctx: AppContext, appId: string): Promise<void> {
  if (!(await refreshUserStatisticsIfStale(ctx.db))) await refreshUserStatisticsIfAppOutgrew(ctx.db, appId, await countAppUsersUpTo(ctx.db, appId));
}

async function stageRows(ctx: AppContext, client: pg.PoolClient, record: ImportRecord, signal: AbortSignal, phases: PreviewPhases): Promise<void> {
  await client.query('BEGIN');
  // Transaction-scoped: a second worker on the same import waits its turn through a retry.
  const { rows: lock } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended('roster:import:' || $1, 0)) AS locked`, [record.id]);
  if (!lock[0]?.locked) throw new Error(`import ${record.id} is being validated by another worker`);
  const { staged, lost } = await stageFromFile(ctx, client, record, (rowsRead) => reportProgress(ctx, record.id, rowsRead, signal), signal, phases);
  const duplicates = lost.actions.create + lost.actions.update + lost.actions.unchanged + lost.modeSkipped;
  const counts = staged.counts;
  const fieldChanges = subtractCounts(counts.fieldChanges, lost.fieldChanges);
  const statusChanges = Object.entries(subtractCounts(counts.statusChanges, lost.statusChanges)).map(([change, count]) => {
    const [from, to] = change.split('>');
    return { from, to, count };
  });
  const warnings = [...staged.planned.warnings];
  warnings.push(...removalWarnings(counts.removals));
  if (counts.cellsCleared > 0) {
    warnings.push({ code: 'cell_cleared', message: `${counts.cellsCleared} row${counts.cellsCleared === 1 ? ' is' : 's are'} imported without ${counts.cellsCleared === 1 ? 'its' : 'their'} invalid optional cells (invalid_cells: clear_cell); each cell is listed in errors.csv.` });
  }
  if (counts.verifiedIgnored > 0) {
    warnings.push({ code: 'verified_field_ignored', column: 'full_name', message: `${counts.verifiedIgnored} row${counts.verifiedIgnored === 1 ? '' : 's'} give a verified field a different value; an import never changes verified fields, so those cells are ignored.` });
  }
  const finishedAt = performance.now();
  const done = await transitionOnClient(client, importOperation, { id: record.id }, {
    to: 'ready',
    from: ['validating'],
    set: {
      encoding: staged.header.encoding,
      delimiter: staged.header.delimiter,
      columns: staged.header.columns,
      warnings: JSON.stringify(collapseWarnings(warnings)),
      total_rows: counts.valid + counts.invalid,
      valid_rows: counts.valid - duplicates,
      invalid_rows: counts.invalid + duplicates,
      to_create: counts.toCreate - lost.actions.create,
      to_update: counts.toUpdate - lost.actions.update,
      preview_unchanged: counts.unchanged - lost.actions.unchanged,
      to_skip: counts.toSkip - lost.modeSkipped,
      field_changes: JSON.stringify(fieldChanges),
      status_changes: JSON.stringify(statusChanges),
      verified_ignored: counts.verifiedIgnored,
      format: staged.header.format,
      column_map: JSON.stringify(staged.columns),
      fix_counts: JSON.stringify(counts.fixCounts ?? {}),
      removals: JSON.stringify(counts.removals),
      cells_cleared: counts.cellsCleared,
      validated_at: new Date(),
    },
  });
  // Cancelled while validating: nothing to keep.
  await client.query(done ? 'COMMIT' : 'ROLLBACK');
  phases.add('ready and commit', performance.now() - finishedAt);
  if (done) rowsProcessed.inc({ kind: 'import_validation' }, counts.valid + counts.invalid);
}

/**
 * Reads the stored file and COPYs every checked row into import_rows (replacing what was staged for the
 * import), then marks repeated vendor_data. Runs inside the caller's transaction. Validation uses it, and
 * so does the run when a database crash emptied the (unlogged) staging table.
 */
export async function stageFromFile(
  ctx: AppContext,
  client: pg.PoolClient,
  record: ImportRecord,
  onProgress: (rowsRead: number) => Promise<void>,
  signal?: AbortSignal,
  phases = new PreviewPhases(),
): Promise<{ staged: Staged; lost: Awaited<ReturnType<typeof markDuplicateRows>> }> {
  // A retry after a crash starts over.
  await phases.time('delete earlier rows', deleteImportRows(client, record.id));
  const copy = new CopyWriter(client.query(copyFrom(importRowsCopySql)));
  const staged = await readAndStage(ctx, record, copy, onProgress, signal, phases);
  await phases.time('COPY end', copy.end());
  const lost = await phases.time('duplicates', markDuplicateRows(client, record.id, staged.repeats.candidates()));
  return { staged, lost };
}

interface Staged {
  header: TableHeader;
  planned: StagePlan;
  /** The mapping with a few sample values per column. */
  columns: StagePlan['columns'];
  counts: BatchCounts;
  /** Every row's vendor_data hash, to find repeats. */
  repeats: RepeatedKeys;
}

async function readAndStage(ctx: AppContext, record: ImportRecord, copy: CopyWriter, onProgress: (rowsRead: number) => Promise<void>, signal: AbortSignal | undefined, phases: PreviewPhases): Promise<Staged> {
  const useThreads = record.file_bytes >= THREADS_FROM_BYTES;
  const pool = useThreads ? validationPool(ctx.config.IMPORT_VALIDATION_THREADS) : undefined;
  const database = { url: ctx.database.url, schema: ctx.database.schema };
  // The first import into an application (a migration) has no users to compare with.
  const lookUpUsers = await phases.time('statistics', applicationHasUsers(ctx.database.pool, record.app_id));
  const decisions = await phases.time('statistics', importDecisions(ctx.db, record.app_id, record.id));
  const check = (rows: Pick<RowBatch, 'records' | 'encoded'>): Promise<BatchResult> => {
    const batch: RowBatch = {
      importId: record.id,
      appId: record.app_id,
      plan: planned!.plan,
      mode: record.mode,
      lookUpUsers,
      ...rows,
      fixes: planned!.fixes,
      writeModes: importWriteModes(record, planned!.columns),
      invalidCells: record.invalid_cells,
    };
    return pool ? pool.run(database, batch) : processBatch(batch, (appId, keys) => findExistingUsers(ctx.database.pool, appId, keys));
  };
  // Results are written in file order; a few batches run ahead meanwhile (inline: one validates while another's lookup is out).
  const maxInFlight = pool ? pool.threadCount * 3 : 2;
  const inFlight: { pending: Promise<BatchResult>; rows: Int32Array }[] = [];
  const counts: BatchCounts = emptyCounts();
  const repeats = new RepeatedKeys();
  const writeNext = async () => {
    const { pending, rows } = inFlight.shift()!;
    const result = await phases.time('wait for validation', pending);
    const from = performance.now();
    addCounts(counts, result);
    for (let i = 0; i < rows.length; i++) repeats.add(result.keys[i]!, rows[i]!);
    phases.add('counts and repeats', performance.now() - from);
    await phases.time('COPY write', copy.write(result.copyData));
  };
  const dispatch = async (records: TableRecord[] | Uint8Array) => {
    const from = performance.now();
    const encoded = records instanceof Uint8Array;
    const rows = encoded ? recordRows(records) : Int32Array.from(records, (recordOfFile) => recordOfFile.row);
    const pending = check(encoded ? { encoded: records } : { records });
    pending.catch(() => {}); // awaited in order by writeNext; this only keeps an early failure from being "unhandled"
    inFlight.push({ pending, rows });
    phases.add(pool ? 'send to validation' : 'validate (job thread)', performance.now() - from);
    while (inFlight.length >= maxInFlight) await writeNext();
    dispatchedMs += performance.now() - from;
  };
  let dispatchedMs = 0;

  let header: TableHeader | undefined;
  let planned: StagePlan | undefined;
  let samples: SampleCollector | undefined;
  let waitingForMapping = false;
  let pendingRecords: TableRecord[] = [];
  let pendingChars = 0;
  let rowsRead = 0;
  let nextCheck = Date.now() + CANCEL_CHECK_MS;
  const reportEverySecond = async () => {
    if (Date.now() < nextCheck) return;
    nextCheck = Date.now() + CANCEL_CHECK_MS;
    await phases.time('progress', onProgress(rowsRead));
  };
  try {
    // Parsed in a child process: a file that kills its parser fails this import, not the service (readers/isolated-reader.ts).
    const read = readImportFramesIsolated(() => storedFile(ctx, record.storage_key), {
      ...decisions.readOptions,
      ...(signal ? { signal } : {}),
      onCrash: (detail) => ctx.log.warn(`import ${record.id}: ${detail}`),
      // The copy happens inside the reader's start: counted apart.
      onCopied: (ms) => {
        phases.add('file to local copy', ms);
        phases.add('reader start and header', -ms);
      },
    });
    for (;;) {
      const next = await phases.time(header ? 'read (child process)' : 'reader start and header', read.next());
      if (next.done) break;
      const from = performance.now();
      if (!(next.value instanceof Uint8Array)) {
        const item = next.value;
        header = item;
        planned = await decisions.plan(item);
        samples = new SampleCollector(item.columns.length);
        // No vendor_data: read on only for the mapping step's sample values.
        waitingForMapping = item.columns.length > 0 && !planned.columns.some((column) => column.field === 'vendor_data');
        phases.add('plan', performance.now() - from);
        continue;
      }
      // Batches go to a validation thread as the reader encoded them (the job's thread never reads
      // their rows) unless their cells change first or the mapping step still wants sample values.
      if (pool && !waitingForMapping && !planned!.changesRecords && samples!.full) {
        if (pendingRecords.length > 0) await dispatch(pendingRecords);
        pendingRecords = [];
        pendingChars = 0;
        rowsRead += recordCount(next.value);
        await dispatch(next.value);
        phases.add('prepare and batch', performance.now() - from - dispatchedMs);
        dispatchedMs = 0;
        await reportEverySecond();
        continue;
      }
      const item = decodeRecordBatch(next.value);
      if (waitingForMapping) {
        for (const recordOfFile of item) samples!.add(recordOfFile);
        if (samples!.full) break;
        continue;
      }
      rowsRead += item.length;
      for (const recordOfFile of item) {
        planned!.prepare(recordOfFile);
        samples!.add(recordOfFile);
        pendingRecords.push(recordOfFile);
        for (const field of recordOfFile.fields) pendingChars += field.length;
        if (pendingRecords.length >= BATCH_ROWS || pendingChars >= BATCH_CHARS) {
          await dispatch(pendingRecords);
          pendingRecords = [];
          pendingChars = 0;
        }
      }
      phases.add('prepare and batch', performance.now() - from - dispatchedMs);
      dispatchedMs = 0;
      await reportEverySecond();
    }
    if (header && waitingForMapping) {
      planned!.columns = samples!.attach(planned!.columns);
      requireVendorData(header, planned!);
    }
    if (pendingRecords.length > 0) await dispatch(pendingRecords);
    while (inFlight.length > 0) await writeNext();
  } catch (error) {
    copy.abort();
    if (error instanceof TableFileError) throw new ImportFileProblem({ code: error.code, message: error.message, ...(error.line !== undefined ? { line: error.line } : {}) });
    if (error instanceof StorageNotFoundError) throw new ImportFileProblem({ code: 'file_missing', message: 'The uploaded file is no longer in storage; upload it again.' });
    throw error;
  }
  return { header: header!, planned: planned!, columns: samples!.attach(planned!.columns), counts, repeats };
}

/** `counts` minus `lost`, dropping keys that reach zero. */
function subtractCounts(counts: Record<string, number>, lost: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, count] of Object.entries(counts)) {
    const left = count - (lost[key] ?? 0);
    if (left > 0) result[key] = left;
  }
  return result;
}

/** A re-openable source: the reader reads a file twice when it must check all of it is UTF-8. */
async function* storedFile(ctx: AppContext, key: string): AsyncGenerator<Buffer> {
  const stream = await ctx.storage.get(key);
  for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
}

/** Shows how far validation got (total_rows grows until it is ready) and stops if the import was cancelled meanwhile. */
async function reportProgress(ctx: AppContext, importId: string, rowsRead: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new ValidationStopped('the job was taken away from this worker');
  const still = await ctx.db
    .updateTable('imports')
    .set({ total_rows: rowsRead, heartbeat_at: new Date() })
    .where('id', '=', importId)
    .where('status', '=', 'validating')
    .executeTakeFirst();
  if (Number(still.numUpdatedRows) === 0) throw new ValidationStopped('the import was cancelled');
}

async function failValidation(ctx: AppContext, record: ImportRecord & { org_id: string }, error: ImportFileError): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    // A file that fails as a whole has no rows: the count shown while it was read goes.
    if (!(await failImport(trx, record.id, ['validating'], error, { totalRows: 0 }))) return;
    await auditImport(trx, {
      orgId: record.org_id,
      appId: record.app_id,
      importId: record.id,
      action: 'import.failed',
      actor: 'system',
      operatorId: record.created_by,
      outcome: 'failure',
      details: { stage: 'validation', file_name: record.file_name, error },
    });
  });
}

/** The last retry failed on something other than the file: say so on the import rather than leave it validating. */
async function giveUp(ctx: AppContext, importId: string, error: Error): Promise<void> {
  const record = await findImportForJob(ctx.db, importId);
  if (!record || record.status !== 'validating') return;
  await failValidation(ctx, record, { code: 'validation_error', message: `Validation stopped after ${VALIDATE_RETRY_LIMIT + 1} attempts: ${error.message}` });
}

/** Writes COPY data with backpressure; a failed COPY surfaces on the next write or at the end. */
class CopyWriter {
  private failure: Error | undefined;

  constructor(private readonly stream: Writable) {
    stream.on('error', (error) => (this.failure ??= error));
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (data.length === 0) return;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await finished(this.stream);
  }

  abort(): void {
    this.stream.destroy();
  }
}
