import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export type ExportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired';

export interface ExportsTable {
  id: Generated<string>;
  /** Insertion order: the history pages newest first by it (timestamps can tie). */
  seq: Generated<number>;
  app_id: string;
  status: ColumnType<ExportStatus, ExportStatus | undefined, ExportStatus>;
  filters: Json<Record<string, unknown>>;
  columns: string[];
  row_count: number | null;
  rows_written: number | null;
  bytes: number | null;
  /** The finished file; set in the same update that marks the export completed. */
  storage_key: string | null;
  /** Where the running attempt writes; a retry deletes what a crashed attempt left there. */
  attempt_key: string | null;
  attempts: Generated<number>;
  created_by: string;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  file_deleted_at: NullableTimestamp;
  error: string | null;
  /** An OWNER revoked the download link (2026-11-29T1300-security). */
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
  /** The export schedule that made it (2026-12-07T2300-export-schedules). */
  schedule_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** csv | jsonl | parquet, and none | gzip (2026-12-07T2030-feed; docs/warehouse.md). */
  format: ColumnType<'csv' | 'jsonl' | 'parquet', 'csv' | 'jsonl' | 'parquet' | undefined, 'csv' | 'jsonl' | 'parquet'>;
  compression: ColumnType<'none' | 'gzip', 'none' | 'gzip' | undefined, 'none' | 'gzip'>;
  /** The change feed's seq the rows reflect, read in the rows' snapshot. */
  as_of_seq: ColumnType<string | null, number | null | undefined, number | null>;
  /** Incremental: only users changed after this seq. */
  since_seq: ColumnType<string | null, number | null | undefined, number | null>;
  /** The stored files: data parts, then manifest.json (export-parts.ts). */
  parts: Json<ExportPartRecord[] | null>;
}

export interface ExportPartRecord {
  name: string;
  key: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Kysely types of the export tables. */
export interface ExportTables {
  exports: ExportsTable;
}
