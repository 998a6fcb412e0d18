/**
 * What other features use of the audit feature: the audit trail's one writer (docs/architecture.md#declared-once).
 * Apart from index.ts, which registers the audit log's routes: those routes need the auth feature, and
 * every feature, auth included, writes audit entries, so importing the writer must not load the routes
 * (docs/architecture.md#feature-boundaries).
 */
export {
  type AuditActor,
  auditActionSql,
  auditActorOf,
  type AuditEntry,
  auditInsertQuery,
  auditInsertSql,
  eraseAuditBatch,
  personalValuesInTrail,
  pruneAuditBefore,
  onAudited,
  type AuditRowsSql,
  recordAudit,
  type SystemActor,
  systemActor,
} from './audit-ledger.ts';

// Reads on record: queued and written in batches (reads-on-record.ts, docs/privacy.md#reads-on-record).
export { readsOnRecord } from './reads-on-record.ts';
