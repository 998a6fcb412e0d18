import { sql } from 'kysely';
import type { DatabaseHandle } from './database.ts';

/**
 * Errors that mean "the database is away" (restarting, crashed, unreachable, refusing connections for
 * now) rather than "this query is wrong". Requests answer 503 on them and jobs wait and carry on.
 */
const unavailableSqlStates = new Set([
  '57P01', // admin_shutdown (smart/fast stop, or our backend terminated)
  '57P02', // crash_shutdown (another backend crashed: the server is resetting)
  '57P03', // cannot_connect_now (starting up, in recovery)
  '53300', // too_many_connections
]);
const unavailableErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const unavailableMessages = [
  /Connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
  /server closed the connection unexpectedly/i,
  /Cannot use a pool after calling end/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (unavailableSqlStates.has(code) || code.startsWith('08') || unavailableErrnos.has(code)) return true;
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    if (unavailableMessages.some((pattern) => pattern.test(message))) return true;
    // AggregateError (a connect to both IPv4 and IPv6 failing) carries its parts in `errors`.
    if (Array.isArray(candidate.errors) && candidate.errors.some((part) => isDatabaseUnavailable(part))) return true;
    current = candidate.cause;
  }
  return false;
}

export async function databaseIsReachable(handle: DatabaseHandle): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(handle.db);
    return true;
  } catch {
    return false;
  }
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Called once when the wait starts and once when it ends, for a log line each. */
  onWaiting?: () => void;
  onBack?: (waitedMs: number) => void;
}

/** Longest pause between two probes: the database is noticed within this long of accepting connections. */
export const MAX_PROBE_INTERVAL_MS = 2_000;
const MAX_OUTAGE_RETRIES = 20;

/** Probes with backoff (100 ms doubling to 2 s) until the database answers. */
export async function waitForDatabase(handle: DatabaseHandle, options: WaitOptions = {}): Promise<void> {
  const started = Date.now();
  let pause = 100;
  let announced = false;
  while (!(await databaseIsReachable(handle))) {
    if (options.signal?.aborted) throw new Error('stopped while waiting for the database');
    if (!announced) {
      announced = true;
      options.onWaiting?.();
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, MAX_PROBE_INTERVAL_MS);
  }
  if (announced) options.onBack?.(Date.now() - started);
}

/**
 * Runs `work`, and when it fails because the database went away, waits for the database and runs it
 * again: `work` must be safe to repeat (a transaction that rolled back, a job step that resumes from
 * its checkpoint). Other errors pass through.
 */
export async function retryWhileDatabaseAway<T>(handle: DatabaseHandle, work: () => Promise<T>, options: WaitOptions = {}): Promise<T> {
  // A bound, so an error wrongly taken for an outage (a storage ECONNRESET) cannot loop for ever.
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || options.signal?.aborted || attempt >= MAX_OUTAGE_RETRIES) throw error;
      await waitForDatabase(handle, options);
    }
  }
}
