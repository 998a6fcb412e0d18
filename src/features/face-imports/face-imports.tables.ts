import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type FaceImportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type FaceEntryOutcome = 'added' | 'skipped' | 'failed';
/** Why an entry was not added; the first five are docs/faces.md's, the rest name what else can be wrong with a ZIP entry. */
export type FaceEntryReason = 'unknown_user' | 'not_an_image' | 'too_large' | 'face_limit' | 'duplicate' | 'missing_file' | 'unreadable';

export interface FaceImportError {
  code: string;
  message: string;
}

export interface FaceImportsTable {
  id: Generated<string>;
  seq: Generated<number>;
  app_id: string;
  status: ColumnType<FaceImportStatus, FaceImportStatus | undefined, FaceImportStatus>;
  file_name: string;
  storage_key: string;
  file_bytes: number;
  total: Generated<number>;
  added: Generated<number>;
  skipped: Generated<number>;
  failed: Generated<number>;
  inflated_bytes: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  error: ColumnType<FaceImportError | null, string | null | undefined, string | null>;
}

export interface FaceImportEntriesTable {
  face_import_id: string;
  entry: number;
  file: string;
  vendor_data: string | null;
  outcome: FaceEntryOutcome;
  reason: FaceEntryReason | null;
  face_id: string | null;
}

export interface FaceImportTables {
  face_imports: FaceImportsTable;
  face_import_entries: FaceImportEntriesTable;
}
