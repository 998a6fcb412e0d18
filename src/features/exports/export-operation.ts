import type { AppContext } from '../../context.ts';
import { defineOperationKind, type OperationUpkeep } from '../../platform/operations/index.ts';
import { type AuditEntry, recordAudit, systemActor } from '../audit/audit-writer.public.ts';
import type { ExportStatus } from './exports.tables.ts';

/**
 * An export's lifecycle (docs/operations.md). `running → running` is a retry taking over from an
 * attempt whose worker died; `running → queued` hands the export back between attempts.
 */
export const exportOperation = defineOperationKind<ExportStatus, AuditEntry['actor']>({
  name: 'export',
  table: 'exports',
  transitions: {
    queued: ['running', 'failed', 'cancelled'],
    running: ['running', 'queued', 'completed', 'failed', 'cancelled'],
    completed: ['expired'],
    failed: [],
    cancelled: [],
    expired: [],
  },
  waiting: ['queued'],
  working: ['running'],
  ended: ['completed', 'failed', 'cancelled', 'expired'],
  failures: ['failed'],
  audit: {
    targetType: 'export',
    actions: { completed: 'export.completed', failed: 'export.failed', cancelled: 'export.cancelled', expired: 'export.file_deleted' },
    record: async (trx, entry) => void (await recordAudit(trx, entry)),
  },
});

/** Exports that have not ended yet: the per-operator cap counts them (docs/operations.md). */
export const pendingExportStates: readonly ExportStatus[] = ['queued', 'running'];

export const exportRetentionActor = systemActor('retention');

/** Registered with the one sweeper by the exports feature (index.ts); the work is in export-upkeep.ts. */
export type ExportUpkeep = OperationUpkeep<AppContext>;
