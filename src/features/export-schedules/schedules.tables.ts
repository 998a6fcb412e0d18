import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export type ScheduleRunDelivery = 'pending' | 'delivered' | 'failed' | 'none';

export interface ExportSchedulesTable {
  id: Generated<string>;
  app_id: string;
  name: string;
  cron: string;
  timezone: string;
  format: string;
  compression: string;
  filters: Json<Record<string, unknown>>;
  columns: string[] | null;
  incremental: boolean;
  destination_url: string | null;
  destination_access_key_id: string | null;
  /** The secret access key, sealed by src/platform/crypto/secret-box.ts; never returned. */
  destination_secret_sealed: string | null;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  next_run_at: Timestamp;
  last_success_as_of_seq: ColumnType<number | null, number | string | null | undefined, number | string | null>;
  deleted_at: NullableTimestamp;
}

export interface ExportScheduleRunsTable {
  export_id: string;
  schedule_id: string;
  app_id: string;
  tick_at: NullableTimestamp;
  since_seq: ColumnType<number | null, number | string | null | undefined, number | string | null>;
  delivery: ColumnType<ScheduleRunDelivery, ScheduleRunDelivery | undefined, ScheduleRunDelivery>;
  destination_prefix: string | null;
  error: string | null;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

export interface ExportScheduleTables {
  export_schedules: ExportSchedulesTable;
  export_schedule_runs: ExportScheduleRunsTable;
}
