import type { ColumnType, Generated } from 'kysely';
import type { ImportTables } from '../features/imports/imports.tables.ts';
import type { ExportTables } from '../features/exports/exports.tables.ts';
import type { AuthSecurityTables } from '../features/auth/auth-security.tables.ts';
import type { BulkActionTables } from '../features/users/bulk/bulk-actions.tables.ts';
import type { ExportScheduleTables } from '../features/export-schedules/schedules.tables.ts';
import type { WebhookTables } from '../features/webhooks/webhooks.tables.ts';
import type { FaceImportTables } from '../features/face-imports/face-imports.tables.ts';
import type { ErasureTables } from '../features/erasure/erasure.tables.ts';
import type { PrivacyTables } from '../features/privacy/privacy.tables.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

import type { Role } from '../shared/roles.ts';
import type { UserStatus } from '../shared/user-catalogue.ts';

export type { Role, UserStatus };

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  created_at: Generated<Date>;
}

export interface ApplicationsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  created_at: Generated<Date>;
  /** Retention per category in seconds, null = keep (2026-12-08T0050-erasure; docs/privacy.md#retention). */
  retention: ColumnType<Record<string, number | null>, string | undefined, string>;
}

export interface OperatorsTable {
  id: Generated<string>;
  org_id: string;
  email: string;
  name: Generated<string>;
  role: Role;
  password_hash: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  removed_at: NullableTimestamp;
}

export interface OperatorSessionsTable {
  token_hash: Buffer;
  operator_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface ConsoleTokensTable {
  id: Generated<string>;
  operator_id: string;
  token_hash: Buffer;
  name: Generated<string>;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  app_id: string;
  key_hash: Buffer;
  prefix: string;
  name: Generated<string>;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface UsersTable {
  didit_internal_id: Generated<string>;
  app_id: string;
  vendor_data: string;
  display_name: string | null;
  full_name: string | null;
  date_of_birth: ColumnType<string | null, string | null | undefined, string | null>;
  email: string | null;
  phone: string | null;
  country: string | null;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  metadata: Json<Record<string, unknown>>;
  verified_at: NullableTimestamp;
  session_count: Generated<number>;
  approved_count: Generated<number>;
  declined_count: Generated<number>;
  in_review_count: Generated<number>;
  first_session_at: NullableTimestamp;
  last_session_at: NullableTimestamp;
  last_activity_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UserVerificationSessionsTable {
  app_id: string;
  session_id: string;
  user_id: string;
  status: string;
  completed_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface FacesTable {
  id: Generated<string>;
  app_id: string;
  user_id: string;
  storage_key: string;
  content_type: string;
  bytes: number;
  comment: string | null;
  uploaded_by: string;
  /** SHA-256 of the image; null only for faces stored before bulk faces. */
  sha256: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  created_at: Generated<Date>;
}

export interface AuditLogsTable {
  id: Generated<string>;
  org_id: string;
  app_id: string | null;
  actor_type: 'operator' | 'api_key' | 'system';
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Json<Record<string, unknown>>;
  outcome: ColumnType<'success' | 'failure', 'success' | 'failure' | undefined, 'success' | 'failure'>;
  ip: string | null;
  created_at: Generated<Date>;
  /** The import whose run or revert wrote this per-user entry (folded under the import in the trail). */
  batch_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The users a read showed (users.listed, …): docs/privacy.md#reads-on-record. */
  subject_ids: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

export interface OperatorPasswordResetsTable {
  token_hash: Buffer;
  operator_id: string;
  requested_by: string | null;
  created_at: Generated<Date>;
  expires_at: Date;
  used_at: NullableTimestamp;
}

export interface CoreTables {
  operator_password_resets: OperatorPasswordResetsTable;
  organizations: OrganizationsTable;
  applications: ApplicationsTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  console_tokens: ConsoleTokensTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  user_verification_sessions: UserVerificationSessionsTable;
  faces: FacesTable;
  audit_logs: AuditLogsTable;
}

export interface Database extends CoreTables, ImportTables, ExportTables, FaceImportTables, BulkActionTables, AuthSecurityTables, ExportScheduleTables, WebhookTables, ErasureTables, PrivacyTables {}
