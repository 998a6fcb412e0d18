import { publishLedgerEntries } from './user-changes.repository.ts';
import type { AuditActor } from '../audit/audit-writer.public.ts';
import { mergeChunkSql } from './user-merge.sql.ts';
import { probeByIndex } from './user-revert.ts';
import type { WriteModes } from './write-modes.ts';

/** How an import treats rows naming existing and unknown users (docs/import-ledger.md#modes). */
export type ImportMode = 'upsert' | 'create_only' | 'update_only';
export const importModes: readonly ImportMode[] = ['upsert', 'create_only', 'update_only'];

/** Why the run left a valid row alone (docs/import-ledger.md#modes); each counts in the import's `skipped`. */
export type MergeSkipCode = 'exists' | 'not_found' | 'unblock_not_confirmed' | 'status_reason_required';

/** Any pg-style client: a pool, a client, or a transaction adapter. */
export interface SqlRunner {
  query<R extends Record<string, any> = any>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Rows (fromRow, toRow] of an import's staging table `import_rows`. The users module reads, per row:
 * `row`, `errors` (NULL = valid), `vendor_data`, `status_reason`, and one column per field the
 * catalogue lets an import write (named as the field's column; NULL = leave the field as it is).
 */
export interface StagedChunk {
  importId: string;
  fromRow: number;
  toRow: number;
}

export interface MergeContext {
  orgId: string;
  appId: string;
  /** Shown with each per-user entry ("Updated by import customers.csv"). */
  fileName: string;
  /** The operator who started the import: the per-user entries' actor. */
  actor: AuditActor & { type: 'operator'; id: string };
  mode: ImportMode;
  /** Reason for every status change that has no `status_reason` of its own. */
  reason: string | null;
  /** Consent to move users away from BLOCKED. */
  allowUnblock: boolean;
  /** Per-user audit entries; false only to measure what they cost (bench/import.bench.ts). */
  ledger?: boolean;
  /** How tags and metadata apply over what users have (write-modes.ts); absent: both replace. */
  writeModes?: WriteModes;
}

export interface MergeOutcome {
  /** Valid rows in the chunk. */
  valid: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Valid rows the run did not apply, and why. */
  skips: { row: number; code: MergeSkipCode }[];
}

const LOST_ROW_RETRIES = 3;

interface ChunkResult {
  valid: number;
  updated: number;
  created: number;
  unchanged: number;
  skips: { row: number; code: MergeSkipCode }[];
  not_found: { row: number; code: MergeSkipCode }[];
  lost: string[] | null;
  /** The ledger entries written, published to the change feed once the chunk is merged. */
  ledger_ids: string[] | null;
}

/**
 * Merges one chunk of staged import rows into `users` and writes each changed user's audit entry
 * (user.created / user.updated / user.status_changed with `details.import_id` and `details.changes`)
 * in the same statement, so a user's change and its entry commit or vanish together. Call it inside
 * the chunk's transaction (with the cursor that marks the chunk done). Set-based: one statement per
 * chunk, plus one more in the rare case a concurrent import created some of the same users meanwhile.
 *
 * Rules (all from the field catalogue): an empty cell leaves a field; a field frozen once verified is
 * never written on a verified user; a row that changes nothing writes nothing (updated_at stays).
 */
export async function mergeStagedChunk(db: SqlRunner, chunk: StagedChunk, context: MergeContext): Promise<MergeOutcome> {
  const details = JSON.stringify({ import_id: chunk.importId, file_name: context.fileName });
  await probeByIndex(db);
  const run = async (only: string[] | null): Promise<ChunkResult> => {
    const { rows } = await db.query<ChunkResult>(mergeChunkSql, [
      context.appId,
      chunk.importId,
      chunk.fromRow,
      chunk.toRow,
      context.orgId,
      context.actor.id,
      context.actor.label,
      details,
      context.mode,
      context.reason,
      context.allowUnblock,
      only,
      context.ledger ?? true,
      context.writeModes?.tags ?? 'replace',
      context.writeModes?.metadata ?? 'replace',
    ]);
    return rows[0]!;
  };
  let result = await run(null);
  const outcome: MergeOutcome = { valid: result.valid, created: 0, updated: 0, unchanged: 0, skips: [] };
  const ledgerIds: string[] = [];
  for (let attempt = 0; ; attempt++) {
    outcome.created += result.created;
    outcome.updated += result.updated;
    outcome.unchanged += result.unchanged;
    outcome.skips.push(...result.skips, ...result.not_found);
    if (result.ledger_ids) ledgerIds.push(...result.ledger_ids);
    // Users another import created after this statement began: the next statement sees and merges them.
    if (!result.lost || result.lost.length === 0) {
      // Last, once: the feed's counter lock is then held only until the chunk commits (user-changes.repository.ts).
      await publishLedgerEntries(db, context.appId, ledgerIds);
      return outcome;
    }
    if (attempt >= LOST_ROW_RETRIES) throw Object.assign(new Error('rows kept being created concurrently'), { code: '40001' });
    result = await run(result.lost);
  }
}
