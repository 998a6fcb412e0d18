import type { AppContext } from '../../context.ts';
import { defineOperationKind, type OperationUpkeep } from '../../platform/operations/index.ts';
import { type AuditEntry, recordAudit } from '../audit/audit-writer.public.ts';
import type { FaceImportStatus } from './face-imports.tables.ts';

/**
 * A face import's lifecycle (docs/operations.md). `running → running` is a retry taking over from an
 * attempt whose worker died; it resumes after the last recorded entry.
 */
export const faceImportOperation = defineOperationKind<FaceImportStatus, AuditEntry['actor']>({
  name: 'face_import',
  table: 'face_imports',
  transitions: {
    queued: ['running', 'failed', 'cancelled'],
    running: ['running', 'completed', 'failed', 'cancelled'],
    completed: [],
    failed: [],
    cancelled: [],
  },
  waiting: ['queued'],
  working: ['running'],
  failures: ['failed'],
  audit: {
    targetType: 'face_import',
    actions: { completed: 'face_import.completed', failed: 'face_import.failed', cancelled: 'face_import.cancelled' },
    record: async (trx, entry) => void (await recordAudit(trx, entry)),
  },
});

export type FaceImportUpkeep = OperationUpkeep<AppContext>;
