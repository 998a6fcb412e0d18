import type { AppContext } from '../../context.ts';
import { defineOperationKind, type OperationUpkeep, resumableStates } from '../../platform/operations/index.ts';
import { type AuditEntry, recordAudit } from '../audit/index.ts';
import type { ErasureStatus } from './erasure.tables.ts';

/**
 * An erasure's lifecycle (docs/privacy.md#erasure, docs/operations.md). `running → running` is a retry
 * taking over from a worker that died: it resumes after the last step committed. A failed erasure may be
 * requested again (`failed → queued`): it resumes where it stopped, and keeps its one certificate.
 */
export const erasureOperation = defineOperationKind<ErasureStatus, AuditEntry['actor']>({
  name: 'erasure',
  table: 'erasures',
  ...resumableStates,
  audit: {
    targetType: 'erasure',
    actions: { completed: 'erasure.completed', failed: 'erasure.failed' },
    record: async (trx, entry) => void (await recordAudit(trx, entry)),
  },
});

export type ErasureUpkeep = OperationUpkeep<AppContext>;
