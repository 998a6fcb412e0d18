import type { ColumnType, Generated } from 'kysely';
import type { UserStatus } from '../../shared/user-catalogue.ts';
import type { ImportMigrationColumns, ImportMigrationTables } from './mapping/migration.tables.ts';
import type { ImportMode } from '../users/index.ts';
import type { ImportWriteOptionColumns } from './write-options.ts';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;
type Count = ColumnType<number, number | undefined, number>;

export type ImportStatus = 'validating' | 'needs_mapping' | 'ready' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type RowAction = 'create' | 'update' | 'unchanged' | 'skip';

/** A problem with the file as a whole; `line` is where the reader found it. */
export interface ImportFileError {
  code: string;
  message: string;
  line?: number;
  columns?: string[];
}

export interface ImportWarning {
  code: string;
  column?: string;
  message: string;
}

export interface RowError {
  column: string | null;
  code: string;
  message: string;
}

export interface ImportsTable extends ImportMigrationColumns, ImportWriteOptionColumns {
  id: Generated<string>;
  app_id: string;
  file_name: string;
  storage_key: string;
  file_bytes: Count;
  status: ImportStatus;
  encoding: string | null;
  delimiter: string | null;
  columns: ColumnType<string[], string[] | undefined, string[]>;
  warnings: Json<ImportWarning[]>;
  error: ColumnType<ImportFileError | null, string | null | undefined, string | null>;
  total_rows: Count;
  valid_rows: Count;
  invalid_rows: Count;
  to_create: Count;
  to_update: Count;
  preview_unchanged: Count;
  processed_rows: Count;
  created: Count;
  updated: Count;
  run_unchanged: Count;
  skipped: Count;
  failed: Count;
  cursor_row: Count;
  heartbeat_at: NullableTimestamp;
  created_by: string;
  started_by: string | null;
  created_at: Generated<Date>;
  validated_at: NullableTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  file_deleted_at: NullableTimestamp;
  mode: ColumnType<ImportMode, ImportMode | undefined, ImportMode>;
  status_reason: string | null;
  allow_unblock: ColumnType<boolean, boolean | undefined, boolean>;
  to_skip: Count;
  field_changes: Json<Record<string, number>>;
  status_changes: Json<StatusChange[]>;
  verified_ignored: Count;
  revert_status: RevertStatus | null;
  revert_cursor: ColumnType<number, number | undefined, number>;
  reverted: Count;
  deleted: Count;
  conflicts: Count;
  reverted_by: string | null;
  revert_requested_at: NullableTimestamp;
  revert_finished_at: NullableTimestamp;
  revert_heartbeat_at: NullableTimestamp;
  revert_error: ColumnType<ImportFileError | null, string | null | undefined, string | null>;
}

export type RevertStatus = 'queued' | 'running' | 'completed' | 'failed';

/** How many existing users move from one status to another. */
export interface StatusChange {
  from: string;
  to: string;
  count: number;
}

export interface ImportRevertConflictsTable {
  import_id: string;
  audit_id: number;
  field: string;
  vendor_data: string;
  reason: string;
}

/**
 * One import row's values checked with the users API's own validators (validation/row-validation.ts), for
 * every field the catalogue lets an import write. A null value means "leave the field as it is": the
 * cell was empty or the file lacks the column. Staged as they are in import_rows.
 */
export interface ImportValues {
  /** Null when the cell is missing or invalid, or the row has the wrong number of fields. */
  vendor_data: string | null;
  display_name: string | null;
  full_name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  status: UserStatus | null;
  tags: string[] | null;
  metadata: Record<string, unknown> | null;
}

export interface ImportRowsTable extends Omit<ImportValues, 'metadata'> {
  import_id: string;
  row: number;
  line: number;
  /** The row's cells as in the file, encoded by encodeCells. */
  cells: string;
  metadata: Json<ImportValues['metadata']>;
  errors: ColumnType<RowError[] | null, string | null, string | null>;
  action: RowAction;
  fixes: ColumnType<unknown[] | null, string | null, string | null>;
  status_reason: string | null;
  /** The preview's diff for an existing user: {"field": {"from", "to"}}. */
  changes: Json<Record<string, { from: unknown; to: unknown }> | null>;
  warnings: Json<ImportWarning[] | null>;
  /** Why the mode (at preview) or the run leaves this valid row alone. */
  skip_code: string | null;
}

/** Kysely types of the import tables (migration 2026-11-27T1000-imports). */
export interface ImportTables extends ImportMigrationTables {
  imports: ImportsTable;
  import_rows: ImportRowsTable;
  import_revert_conflicts: ImportRevertConflictsTable;
}
