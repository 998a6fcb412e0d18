import type pg from 'pg';
import type { AppContext } from '../../context.ts';

/**
 * Where an export's progress comes from: PostgreSQL's own count of the rows each COPY has sent
 * (pg_stat_progress_copy, PostgreSQL 14+), read once a second, plus the rows of parts already done.
 * Counting the records of the CSV as it streamed by cost Node 0.6–1 µs a row (it must follow quotes).
 */
export interface CopyProgress {
  /** The backends running the export's COPYs. */
  pids: number[];
  /** Rows of the parts whose COPY has ended (they leave pg_stat_progress_copy). */
  finishedRows(): number;
}

/** Rows the COPYs have sent so far. */
export async function rowsCopied(pool: pg.Pool, progress: CopyProgress): Promise<number> {
  const { rows } = await pool.query<{ rows: string }>('SELECT coalesce(sum(tuples_processed), 0) AS rows FROM pg_stat_progress_copy WHERE pid = ANY($1::int[])', [progress.pids]);
  return Number(rows[0]!.rows) + progress.finishedRows();
}

/** Saves rows written so far about once a second while an attempt runs; stop() saves nothing more. */
export function trackExportProgress(ctx: AppContext, appId: string, exportId: string, attemptKey: string) {
  let source: CopyProgress | undefined;
  let saved = 0;
  let busy = false;
  const save = async (progress: CopyProgress) => {
    // A part that has just ended can leave the view before its count arrives: never show fewer rows.
    const rows = await rowsCopied(ctx.database.pool, progress);
    if (rows <= saved) return;
    saved = rows;
    await ctx.db
      .updateTable('exports')
      .set({ rows_written: rows })
      .where('app_id', '=', appId)
      .where('id', '=', exportId)
      .where('attempt_key', '=', attemptKey)
      .where('status', '=', 'running')
      .execute();
  };
  const timer = setInterval(() => {
    if (!source || busy) return;
    busy = true;
    save(source)
      .catch(() => {})
      .finally(() => (busy = false));
  }, 1000);
  return { onCopying: (progress: CopyProgress) => (source = progress), stop: () => clearInterval(timer) };
}
