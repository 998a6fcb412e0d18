/** The audit trail's one writer (docs/architecture.md, "Audit"); other features write audit_logs only through these. */
export {
  type AuditActor,
  auditActionSql,
  auditActorOf,
  type AuditEntry,
  auditInsertQuery,
  auditInsertSql,
  eraseAuditBatch,
  personalValuesInTrail,
  onAudited,
  type AuditRowsSql,
  recordAudit,
  type SystemActor,
  systemActor,
} from './audit-ledger.ts';

// A subject-access package's history.json (docs/privacy.md#subject-access).
export { findEntriesAbout as auditEntriesAbout } from './audit.repository.ts';

import type { Feature } from '../feature.ts';
import { registerAuditRoutes } from './audit.routes.ts';

export const auditFeature: Feature = {
  name: 'audit',
  routes: registerAuditRoutes,
};
