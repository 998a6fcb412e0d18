import { defineOperationKind } from '../../platform/operations/index.ts';
import { type AuditEntry, recordAudit } from '../audit/index.ts';
import type { AccessPackageStatus } from './privacy.tables.ts';

/**
 * A subject-access package's lifecycle (docs/operations.md, docs/privacy.md#subject-access): built by one
 * job, its ZIP kept until the download link expires. `running → running` is a retry after a dead worker.
 */
export const accessPackageOperation = defineOperationKind<AccessPackageStatus, AuditEntry['actor']>({
  name: 'access_package',
  table: 'access_packages',
  transitions: {
    queued: ['running', 'failed'],
    running: ['running', 'queued', 'completed', 'failed'],
    completed: ['expired'],
    failed: [],
    expired: [],
  },
  waiting: ['queued'],
  working: ['running'],
  ended: ['completed', 'failed', 'expired'],
  failures: ['failed'],
  audit: {
    targetType: 'access_package',
    actions: { completed: 'access_package.completed', failed: 'access_package.failed', expired: 'access_package.file_deleted' },
    record: async (trx, entry) => void (await recordAudit(trx, entry)),
  },
});
