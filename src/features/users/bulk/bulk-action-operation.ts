import type { AppContext } from '../../../context.ts';
import { defineOperationKind, type OperationUpkeep, transition } from '../../../platform/operations/index.ts';
import { type AuditEntry, recordAudit } from '../../audit/audit-writer.public.ts';
import type { BulkActionStatus } from './bulk-actions.tables.ts';

/** A bulk action's lifecycle (docs/operations.md); `running → running` is a retry resuming after the last chunk. */
export const bulkActionOperation = defineOperationKind<BulkActionStatus, AuditEntry['actor']>({
  name: 'bulk_action',
  table: 'user_bulk_actions',
  transitions: {
    queued: ['running', 'failed'],
    running: ['running', 'completed', 'failed'],
    completed: [],
    failed: [],
  },
  waiting: ['queued'],
  working: ['running'],
  failures: ['failed'],
  audit: {
    targetType: 'bulk_action',
    actions: { completed: 'users.bulk_completed' },
    record: async (trx, entry) => void (await recordAudit(trx, entry)),
  },
});

export function failBulkAction(ctx: Pick<AppContext, 'db'>, appId: string, id: string, error: string): Promise<boolean> {
  return transition(ctx.db, bulkActionOperation, { id, appId }, { to: 'failed', set: { error } });
}

/** For the one sweeper: a bulk action whose worker went silent is failed (chunks applied before stay). */
export const bulkActionUpkeep: OperationUpkeep<AppContext> = {
  kind: bulkActionOperation,
  async failSilent(ctx, silent) {
    for (const { id } of silent) {
      const row = await ctx.db.selectFrom('user_bulk_actions').select('app_id').where('id', '=', id).executeTakeFirst();
      if (row) await failBulkAction(ctx, row.app_id, id, 'The worker handling this bulk action stopped and did not come back; users changed before stay changed. Ask again for the rest.');
    }
  },
};
