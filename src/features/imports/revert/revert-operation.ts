import type { AppContext } from '../../../context.ts';
import { defineOperationKind, type OperationUpkeep, resumableStates, transition } from '../../../platform/operations/index.ts';
import { type AuditEntry, recordAudit } from '../../audit/audit-writer.public.ts';
import type { RevertStatus } from '../imports.tables.ts';

/**
 * The revert of an import (docs/operations.md, docs/import-ledger.md), kept in the import's own row
 * (`revert_status`, null until asked for: the request creates it as `queued`). A failed revert may be
 * asked for again (`failed → queued`) and resumes from its cursor.
 */
export const revertOperation = defineOperationKind<RevertStatus, AuditEntry['actor']>({
  name: 'import_revert',
  table: 'imports',
  statusColumn: 'revert_status',
  heartbeatColumn: 'revert_heartbeat_at',
  finishedColumn: 'revert_finished_at',
  ...resumableStates,
  audit: { targetType: 'import', actions: {}, record: async (trx, entry) => void (await recordAudit(trx, entry)) },
});

export function failRevert(ctx: Pick<AppContext, 'db'>, importId: string, message: string): Promise<boolean> {
  return transition(ctx.db, revertOperation, { id: importId }, { to: 'failed', set: { revert_finished_at: new Date(), revert_error: JSON.stringify({ code: 'revert_failed', message }) } });
}

/** For the one sweeper: a revert whose worker went silent is failed; asking again resumes it. */
export const revertUpkeep: OperationUpkeep<AppContext> = {
  kind: revertOperation,
  async failSilent(ctx, silent) {
    for (const { id } of silent) await failRevert(ctx, id, 'The worker handling this revert stopped and did not come back; chunks already reverted stay. Ask for the revert again to finish it.');
  },
};
