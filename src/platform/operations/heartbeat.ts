import { sql } from 'kysely';
import { JobInterrupted } from '../jobs/jobs.ts';
import { columnsOf, type OperationKind, type OperationsDb } from './operation-kind.ts';
import type { OperationRef } from './transition.ts';

/** How often a worker says it is alive; the sweeper's WORKING_SILENT_MS is many of these (docs/operations.md). */
export const HEARTBEAT_MS = 5_000;

/** Why a worker must stop: its operation left the working states (cancelled, swept, taken by another attempt). */
export class OperationLeft extends Error {
  constructor(public readonly kind: string, public readonly id: string) {
    super(`${kind} ${id} is no longer held by this worker (cancelled, or ended elsewhere); stopping at this checkpoint`);
  }
}

export interface KeepAlive {
  /** Aborts with OperationLeft when the row left the working states, or with the job's own reason. */
  readonly signal: AbortSignal;
  /** Throws the signal's reason if the work must stop: call it between units of work. */
  checkpoint(): void;
  /** Looks at the row now rather than at the next beat (before an expensive step). */
  beatNow(): Promise<void>;
  stop(): void;
}

/**
 * The heartbeat of one attempt: every HEARTBEAT_MS it stamps the row, only while the row is in a
 * waiting or working state (and meets `where`, e.g. the attempt's key). When the stamp finds no row, the
 * operation was cancelled or ended elsewhere: the signal aborts and the next checkpoint stops the work.
 */
export function keepAlive(
  db: OperationsDb,
  kind: OperationKind<string, any>,
  ref: OperationRef,
  options: { jobSignal?: AbortSignal; where?: Record<string, unknown>; everyMs?: number } = {},
): KeepAlive {
  const left = new AbortController();
  const signal = options.jobSignal ? AbortSignal.any([options.jobSignal, left.signal]) : left.signal;
  const columns = columnsOf(kind);
  const beat = async () => {
    if (left.signal.aborted) return;
    let update = db.updateTable(kind.table).set({ [columns.heartbeat]: sql`now()` }).where('id', '=', ref.id).where(columns.status, 'in', [...kind.working, ...kind.waiting]);
    if (ref.appId !== undefined) update = update.where('app_id', '=', ref.appId);
    for (const [column, value] of Object.entries(options.where ?? {})) update = update.where(column, '=', value);
    const touched = Number((await update.executeTakeFirst()).numUpdatedRows);
    if (touched === 0) left.abort(new OperationLeft(kind.name, ref.id));
  };
  // A failed beat (the database away for a moment) is not a verdict: the next one tries again.
  const timer = setInterval(() => void beat().catch(() => {}), options.everyMs ?? HEARTBEAT_MS);
  timer.unref();
  // A left operation stops with OperationLeft; a shutdown or a job taken away with JobInterrupted (it is retried).
  const checkpoint = () => {
    if (!signal.aborted) return;
    throw left.signal.aborted ? left.signal.reason : new JobInterrupted();
  };
  return {
    signal,
    checkpoint,
    beatNow: () => beat().then(checkpoint),
    stop: () => clearInterval(timer),
  };
}

/** Whether an error means "the operation was cancelled or ended elsewhere" (not a failure to retry). */
export const isOperationLeft = (error: unknown): error is OperationLeft => error instanceof OperationLeft;
