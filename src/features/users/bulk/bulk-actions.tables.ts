import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export type BulkActionKind = 'set_status' | 'add_tag' | 'remove_tag' | 'delete';
export type BulkActionStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface UserBulkActionsTable {
  id: Generated<string>;
  app_id: string;
  action: BulkActionKind;
  params: Json<{ status?: string; reason?: string; tag?: string }>;
  selection: Json<{ ids?: string[]; filters?: Record<string, unknown> }>;
  status: ColumnType<BulkActionStatus, BulkActionStatus | undefined, BulkActionStatus>;
  total: number | null;
  processed: Generated<number>;
  changed: Generated<number>;
  cursor_id: string | null;
  created_by: string;
  created_by_ip: string | null;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  error: string | null;
}

export interface BulkActionTables {
  user_bulk_actions: UserBulkActionsTable;
}
