/** Shapes of the console API (docs/api.md, docs/imports.md, docs/exports.md); the server's Zod schemas are the source of truth. */

import type { InvitationSent, Permission, Role } from '../../../src/shared/roles.ts';
import type { UserStatus } from '../../../src/shared/user-catalogue.ts';

export type { InvitationSent, Permission, Role, UserStatus };

export interface Page<T> {
  results: T[];
  next: string | null;
}

export interface OperatorSummary {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

export interface Organization {
  id: string;
  name: string;
}

export interface Application {
  id: string;
  name: string;
  created_at: string;
}

export interface Me {
  operator: OperatorSummary;
  organization: Organization;
  applications: Application[];
  permissions: Permission[];
}

export interface User {
  didit_internal_id: string;
  vendor_data: string;
  display_name: string | null;
  effective_name: string | null;
  full_name: string | null;
  date_of_birth: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  status: UserStatus;
  tags: string[];
  metadata: Record<string, unknown> | null;
  verified_at?: string | null;
  session_count: number;
  approved_count: number;
  declined_count: number;
  in_review_count: number;
  first_session_at: string | null;
  last_session_at: string | null;
  last_activity_at: string | null;
  created_at: string;
  updated_at: string;
  /** Personal fields withheld from the operator's role (null above). */
  redacted?: string[];
}

export interface Face {
  uuid: string;
  /** Left out for roles that may not read personal data. */
  image_url?: string;
  comment: string | null;
  uploaded_by: string | null;
  created_at: string;
}

export interface UserWithFaces extends User {
  faces: Face[];
}

/** Filters shared by the users page and export requests. */
export interface UserFilters {
  status: UserStatus[];
  country: string[];
  tags: string[];
  search: string;
  created_after: string;
  created_before: string;
}

export interface Actor {
  id: string;
  email: string;
  name: string | null;
}

export type ImportStatus = 'validating' | 'needs_mapping' | 'ready' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface ImportJob {
  id: string;
  app_id: string;
  file_name: string;
  status: ImportStatus;
  total_rows: number;
  valid_rows: number;
  invalid_rows: number;
  to_create: number;
  to_update: number;
  unchanged: number;
  processed_rows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  file_bytes?: number;
  /** The file's headers as written, each with the field it fills (docs/vendor-migration.md). */
  columns?: ColumnMapping[];
  format?: 'csv' | 'xlsx' | 'json' | 'ndjson' | null;
  preset?: string | null;
  default_region?: string | null;
  /** Rows carrying a pending fix, per fix code. */
  fix_counts?: Record<string, number>;
  warnings?: (string | ImportWarning)[];
  created_by: Actor | null;
  created_at: string;
  validated_at?: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: { code: string; message: string; line?: number; columns?: string[] } | null;
  mode?: ImportMode;
  to_skip?: number;
  field_changes?: Record<string, number>;
  status_changes?: { from: string; to: string; count: number }[];
  reason?: string | null;
  allow_unblock?: boolean;
  revert_status?: 'queued' | 'running' | 'completed' | 'failed' | null;
  reverted?: number;
  deleted?: number;
  conflicts?: number;
  revert_error?: { code: string; message: string } | null;
  /** How the file applies to what users have (docs/imports.md, "Merge or replace"). */
  tags_mode?: TagsMode;
  metadata_mode?: MetadataMode;
  invalid_cells?: InvalidCells;
  /** What the forecast takes away from existing users (a replace): users affected, rows per key or tag. */
  removals?: Removals;
  /** Rows applied without some of their cells (invalid_cells = clear_cell). */
  cells_cleared?: number;
}

export type TagsMode = 'replace' | 'merge' | 'remove';
export type MetadataMode = 'replace' | 'merge';
export type InvalidCells = 'skip_row' | 'clear_cell';
export interface WriteOptions {
  tags_mode?: TagsMode;
  metadata_mode?: MetadataMode;
  invalid_cells?: InvalidCells;
}

export interface Removals {
  metadata?: { users: number; keys: Record<string, number> };
  tags?: { users: number; tags: Record<string, number> };
}

/** The preview's row filters (GET …/rows?only=); absent: every row. */
export type RowFilter = 'invalid' | 'create' | 'update' | 'unchanged' | 'warnings';

export type ImportMode = 'upsert' | 'create_only' | 'update_only';

/** What a revert would do now (the dry run). */
export interface RevertPreview {
  restore: number;
  delete: number;
  conflicts: number;
}

/** A field's change; metadata also per key ("metadata.notes", `removed` when the key goes), tags with those `added` and `removed`. */
export type FieldChanges = Record<string, { from: unknown; to: unknown; removed?: true | string[]; added?: string[] }>;

export interface ImportWarning {
  code: string;
  column?: string;
  message: string;
}

export interface ImportRowError {
  column: string | null;
  code: string;
  message: string;
}

export interface ImportRow {
  row: number;
  line: number;
  values: Record<string, string>;
  action: 'create' | 'update' | 'unchanged' | 'skip';
  errors: ImportRowError[];
  changes?: FieldChanges;
  warnings?: ImportWarning[];
  /** Suggested fixes, not applied until their kind is accepted. */
  fixes?: CellFix[];
}

export interface ColumnMapping {
  source: string;
  field: string | null;
  how: 'exact' | 'synonym' | 'saved' | 'manual' | 'none';
  samples?: string[];
  /** Its value mapping as it applies; on a combine's first column, the combine. */
  values?: Record<string, string>;
  combine?: { sources: string[]; separator: string };
}

export interface CellFix {
  column: string;
  from: string;
  to: string;
  code: string;
}

export interface ImportPreset {
  name: string;
  label: string;
  format: string;
  mapping: Record<string, string | null>;
  accept_fixes: string[];
}

export interface ImportRows {
  rows: ImportRow[];
  total: number;
}

export type ExportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired';

export type ExportFormat = 'csv' | 'jsonl' | 'parquet';
export type ExportCompression = 'none' | 'gzip';
export interface ExportFormatChoice {
  format: ExportFormat;
  compression: ExportCompression;
}

export interface ExportJob {
  id: string;
  app_id: string;
  status: ExportStatus;
  filters: Partial<UserFilters>;
  columns: string[];
  row_count: number | null;
  /** While running: rows written to the file so far. */
  rows_written?: number | null;
  created_by: Actor | null;
  created_at: string;
  finished_at: string | null;
  download_url?: string | null;
  expires_at: string | null;
  /** Why it failed, in words. */
  error: string | { code: string; message: string } | null;
  /** When an owner revoked the download link. */
  revoked_at?: string | null;
  format: ExportFormat;
  compression: ExportCompression;
  /** The change feed seq the rows reflect (docs/warehouse.md). */
  as_of_seq: number | null;
  /** Incremental: users changed after this seq. */
  since_seq: number | null;
  parts?: { name: string; rows: number; bytes: number; sha256: string; download_url: string | null }[];
}

export interface AuditEntry {
  id: string;
  created_at: string;
  action: string;
  outcome: string;
  actor: { type: string; id: string | null; label: string | null };
  app_id: string | null;
  target: { type: string; id: string } | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  /** An import's line: its per-user entries fold under it. */
  children?: { count: number; filter: { import_id: string } | { revert_of: string } };
}

export interface Operator extends OperatorSummary {
  created_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiKey extends ApiKey {
  api_key: string;
}

export interface ConsoleToken {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
