import type { ColumnType, Generated } from 'kysely';
import type { ErasureSubject } from '../users/index.ts';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export type ErasureStatus = 'queued' | 'running' | 'completed' | 'failed';

/** What the erasure found about the person, kept only while it runs (2026-12-08T0050-erasure). */
export type ErasureSubjectRecord = Omit<ErasureSubject, 'didit_internal_id' | 'vendor_data'> & { former_values?: string[] };

export interface ErasuresTable {
  id: Generated<string>;
  org_id: string;
  app_id: string;
  didit_internal_id: string;
  vendor_data: string;
  reason: string;
  legal_hold: boolean;
  hold_until: NullableTimestamp;
  hold_purged_at: NullableTimestamp;
  status: ColumnType<ErasureStatus, ErasureStatus | undefined, ErasureStatus>;
  subject: Json<ErasureSubjectRecord | null>;
  steps_done: ColumnType<string[], string[] | undefined, string[]>;
  removed: Json<Record<string, unknown>>;
  step_cursor: string | null;
  requested_by: string;
  requested_by_label: string;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  error: string | null;
  certificate: Json<Record<string, unknown> | null>;
}

export interface ErasureHoldsTable {
  erasure_id: string;
  app_id: string;
  didit_internal_id: string;
  vendor_data: string;
  full_name: string | null;
  date_of_birth: ColumnType<string | null, string | null | undefined, string | null>;
  sessions: Json<unknown[]>;
  hold_until: ColumnType<Date, Date | string, Date | string>;
  created_at: Generated<Date>;
}

export interface ErasureTables {
  erasures: ErasuresTable;
  erasure_holds: ErasureHoldsTable;
}
