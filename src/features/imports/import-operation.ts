import type { AppContext } from '../../context.ts';
import { defineOperationKind, type OperationUpkeep } from '../../platform/operations/index.ts';
import { type AuditEntry, recordAudit } from '../audit/audit-writer.public.ts';
import type { ImportStatus } from './imports.tables.ts';

/**
 * An import's lifecycle (docs/operations.md, docs/imports.md): validated into a preview, started,
 * run chunk by chunk. Saving a mapping or options validates again (`ready`/`needs_mapping` →
 * `validating`); a start whose job could not be queued goes back (`queued → ready`); `running →
 * running` is a retry taking over after the last committed chunk. Audit entries are written by the
 * callers (import-audit.ts) with the counts as they stand after the move.
 */
export const importOperation = defineOperationKind<ImportStatus, AuditEntry['actor']>({
  name: 'import',
  table: 'imports',
  transitions: {
    validating: ['validating', 'needs_mapping', 'ready', 'failed', 'cancelled'],
    needs_mapping: ['validating', 'failed', 'cancelled'],
    ready: ['validating', 'queued', 'failed', 'cancelled'],
    queued: ['running', 'ready', 'failed', 'cancelled'],
    running: ['running', 'completed', 'failed', 'cancelled'],
    completed: [],
    failed: [],
    cancelled: [],
  },
  // Validation can wait behind the organization's other imports; its worker beats while it reads.
  waiting: ['validating', 'queued'],
  working: ['running'],
  failures: ['failed'],
  audit: { targetType: 'import', actions: {}, record: async (trx, entry) => void (await recordAudit(trx, entry)) },
});

export type ImportUpkeep = OperationUpkeep<AppContext>;
