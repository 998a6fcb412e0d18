import type { ColumnType } from 'kysely';
import type { ColumnMapping, MappingInput } from './column-mapping.ts';
import type { ImportTransforms } from './column-transforms.ts';

type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** Columns the day-one migration work added to `imports` (migration 2026-11-29T1600-import-mapping). */
export interface ImportMigrationColumns {
  format: string | null;
  column_map: ColumnType<ColumnMapping[] | null, string | null | undefined, string | null>;
  mapping: Json<MappingInput>;
  default_region: string | null;
  preset: string | null;
  fix_counts: Json<Record<string, number>>;
  /** Value mappings and combines given for this import (migration 2026-12-07T2035-backfill; column-transforms.ts). */
  transforms: Json<ImportTransforms>;
}

export interface ImportMappingsTable {
  app_id: string;
  header_key: string;
  mapping: Json<MappingInput>;
  saved_by: string | null;
  updated_at: CreatedAt;
  /** Fix kinds accepted for the application (migration 2026-12-07T2035-backfill). */
  accepted_fixes: ColumnType<string[], string[] | undefined, string[]>;
  /** Value mappings and combines remembered with the mapping (column-transforms.ts). */
  transforms: Json<ImportTransforms>;
}

export interface ImportFixAcceptancesTable {
  import_id: string;
  code: string;
  accepted_by: string | null;
  accepted_at: CreatedAt;
}

export interface ImportRowEditsTable {
  import_id: string;
  row: number;
  cells: Json<Record<string, string>>;
  edited_by: string | null;
  edited_at: CreatedAt;
}

export interface ImportMigrationTables {
  import_mappings: ImportMappingsTable;
  import_fix_acceptances: ImportFixAcceptancesTable;
  import_row_edits: ImportRowEditsTable;
}
