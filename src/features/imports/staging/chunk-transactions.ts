import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import type { Queryable } from './import-rows.repository.ts';

/** Shared by the run and the revert: each applies an import chunk by chunk, one transaction a chunk. */

const DEADLOCK_RETRIES = 8;

/** Deadlocks and serialization failures between concurrent imports are retried; the chunk rolled back whole. */
export async function withDeadlockRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== '40P01' && code !== '40001') || attempt > DEADLOCK_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt * Math.random()));
    }
  }
}

/** The repository's pg-style interface over a Kysely transaction, so the merge shares the audit's transaction. */
export function queryable(db: Kysely<Database> | Transaction<Database>): Queryable {
  return {
    async query(text: string, values: unknown[] = []) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows, rowCount: Number(result.numAffectedRows ?? BigInt(result.rows.length)) } as never;
    },
  };
}

