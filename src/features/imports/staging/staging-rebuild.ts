import type pg from 'pg';
import type { AppContext } from '../../../context.ts';
import { reapplyRunSkips } from './import-rows.repository.ts';
import { findImportForJob, type ImportRecord } from '../imports.repository.ts';
import { stageFromFile } from '../validation/validate-import.job.ts';

/**
 * A step that re-applies, to freshly staged rows, what people decided after the upload: a column
 * mapping, accepted fixes, cell edits. Those decisions must live in logged tables (the staging table
 * import_rows is unlogged, so a database crash empties it); each step reads its table and updates
 * import_rows in the rebuild's transaction. Features register their step with `onStagingRebuilt`.
 */
export type StagingRestoreStep = (client: pg.PoolClient, record: ImportRecord) => Promise<void>;

const restoreSteps: StagingRestoreStep[] = [];

export function onStagingRebuilt(step: StagingRestoreStep): void {
  restoreSteps.push(step);
}

/**
 * Stages an import's rows again from its stored file, in one transaction: the same reader and checks
 * as validation give the same rows (row numbers, values, errors, duplicates), then the registered steps
 * re-apply later decisions. The import's preview counts stay as they were; the run's cursor and counts
 * are untouched, so the run carries on where it stopped.
 */
export async function rebuildStaging(ctx: AppContext, importId: string, signal: AbortSignal): Promise<void> {
  const record = await findImportForJob(ctx.db, importId);
  if (!record) return;
  const started = performance.now();
  const client = await ctx.database.pool.connect();
  let clean = false;
  try {
    await client.query('BEGIN');
    // The same lock validation takes: two workers resuming one import rebuild it once, in turn.
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('roster:import:' || $1, 0))`, [importId]);
    const { rows } = await client.query<{ staged: number }>('SELECT count(*)::int AS staged FROM import_rows WHERE import_id = $1', [importId]);
    if (rows[0]!.staged !== record.total_rows) {
      await stageFromFile(ctx, client, record, async () => {
        signal.throwIfAborted();
      });
      for (const step of restoreSteps) await step(client, record);
      await reapplyRunSkips(client, importId);
    }
    await client.query('COMMIT');
    clean = true;
    ctx.log.warn(`import ${importId}: staged rows were lost (database crash); rebuilt ${record.total_rows} rows from the stored file in ${Math.round(performance.now() - started)} ms`);
  } finally {
    client.release(clean ? undefined : true);
  }
}
