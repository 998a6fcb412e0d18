/**
 * Every action the audit trail records, declared once (docs/audit.md). The audit writer
 * (src/features/audit/audit-ledger.ts) takes only these, so a new action is added here first.
 * Dependency-free: the console imports it too.
 */
export const auditActions = [
  // Users, one entry per user changed (API, console, import run and revert, bulk actions).
  'user.created',
  'user.updated',
  'user.status_changed',
  'user.deleted',
  'user.session_recorded',
  'user.erased',
  'face.uploaded',
  'users.bulk_requested',
  'users.bulk_completed',
  // Imports and face imports.
  'import.created',
  'import.started',
  'import.completed',
  'import.failed',
  'import.cancelled',
  'import.discarded',
  'import.mapping_changed',
  'import.fixes_accepted',
  'import.options_changed',
  'import.row_edited',
  'import.revert_requested',
  'import.reverted',
  'import.file_deleted',
  'face_import.created',
  'face_import.completed',
  'face_import.failed',
  'face_import.cancelled',
  // Exports and their schedules.
  'export.requested',
  'export.downloaded',
  'export.revoked',
  'export.completed',
  'export.failed',
  'export.cancelled',
  'export.file_deleted',
  'export_schedule.created',
  'export_schedule.updated',
  'export_schedule.deleted',
  'export_schedule.delivery_failed',
  // Privacy (docs/privacy.md): subject-access packages.
  'user.access_package_requested',
  'user.access_package_downloaded',
  'access_package.completed',
  'access_package.failed',
  'access_package.file_deleted',
  'privacy_settings.changed',
  // Reads on record: a request that showed users' personal data, naming them (docs/privacy.md#reads-on-record).
  'user.viewed',
  'users.listed',
  'user_changes.listed',
  // Webhook endpoints.
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
  'webhook.secret_rotated',
  // Operators, sessions and credentials.
  'operator.created',
  'operator.invited',
  'operator.invitation_revoked',
  'operator.updated',
  'operator.role_changed',
  'operator.removed',
  'operator.login',
  'operator.login_failed',
  'operator.logout',
  'operator.password_changed',
  'operator.password_reset_requested',
  'operator.password_reset',
  'token.created',
  'token.revoked',
  'api_key.created',
  'api_key.revoked',
  // Privacy: erasure and its held record, retention (docs/privacy.md).
  'erasure.requested',
  'erasure.completed',
  'erasure.failed',
  'erasure.held_record_read',
  'erasure.held_record_purged',
  'retention.applied',
  'retention.changed',
  // Tenancy.
  'organization.created',
  'application.created',
] as const;

export type AuditAction = (typeof auditActions)[number];

/** The actions that record a read of users' personal data: the audit page's "Who viewed" filter lists these. */
export const readActions = ['user.viewed', 'users.listed', 'user_changes.listed', 'user.access_package_downloaded', 'export.downloaded', 'erasure.held_record_read'] as const satisfies readonly AuditAction[];

/** Who acts, as the trail stores it. */
export type ActorType = 'operator' | 'api_key' | 'system';
