import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type AuditEntry, recordAuditBatch } from './audit-ledger.ts';

/**
 * Reads on record (docs/privacy.md#reads-on-record) are written in batches: a request that showed users
 * queues its one entry and answers; every FLUSH_MS (or at BATCH entries) the queue goes to audit_logs in one
 * INSERT, so a list page costs a push, not a round trip (bench/reads-on-record.bench.ts). The queue is
 * flushed when the process closes its HTTP server; a process killed outright loses at most FLUSH_MS of
 * reads. A failed flush is retried with the next one (the database away for a moment).
 */
const FLUSH_MS = 250;
const BATCH = 500;
/** Past this many waiting entries (the database away for long), the oldest are dropped and the loss logged. */
const MAX_WAITING = 50_000;

export class ReadsOnRecord {
  private waiting: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly db: Kysely<Database>, private readonly log: { warn(line: string): void }) {}

  record(entry: AuditEntry): void {
    this.waiting.push(entry);
    if (this.waiting.length > MAX_WAITING) {
      const dropped = this.waiting.splice(0, this.waiting.length - MAX_WAITING);
      this.log.warn(`reads on record: ${dropped.length} read entries dropped, the database has not taken them for too long`);
    }
    if (this.waiting.length >= BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Writes what is waiting; resolves when every entry queued before the call is written (or failed and re-queued). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(async () => {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, BATCH);
        try {
          await recordAuditBatch(this.db, batch);
        } catch (error) {
          this.waiting.unshift(...batch);
          this.log.warn(`reads on record: ${batch.length} entries not written yet, will retry: ${(error as Error).message}`);
          this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS * 4).unref();
          return;
        }
      }
    });
    return this.flushing;
  }
}

const recorders = new WeakMap<Kysely<Database>, ReadsOnRecord>();

/** The process's recorder for this database handle (one per AppContext). */
export function readsOnRecord(db: Kysely<Database>, log: { warn(line: string): void }): ReadsOnRecord {
  let recorder = recorders.get(db);
  if (!recorder) recorders.set(db, (recorder = new ReadsOnRecord(db, log)));
  return recorder;
}
