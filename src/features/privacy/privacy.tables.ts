import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export type AccessPackageStatus = 'queued' | 'running' | 'completed' | 'failed' | 'expired';

/** One subject-access package (2026-12-08T0060-access-packages; docs/privacy.md#subject-access). */
export interface AccessPackagesTable {
  id: Generated<string>;
  seq: Generated<number>;
  app_id: string;
  user_id: string;
  status: ColumnType<AccessPackageStatus, AccessPackageStatus | undefined, AccessPackageStatus>;
  requested_by: string;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  attempts: Generated<number>;
  storage_key: string | null;
  bytes: ColumnType<number | null, number | null | undefined, number | null>;
  /** The files in the ZIP, name and size: shown while the package may be downloaded. */
  files: Json<{ name: string; bytes: number }[] | null>;
  expires_at: NullableTimestamp;
  file_deleted_at: NullableTimestamp;
  error: string | null;
}

/** What an application says it does with personal data: the record of processing's inputs (docs/privacy.md). */
export interface AppPrivacySettingsTable {
  app_id: string;
  purposes: Json<string[]>;
  sources: Json<string[]>;
  controller: string | null;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface PrivacyTables {
  access_packages: AccessPackagesTable;
  app_privacy_settings: AppPrivacySettingsTable;
}
