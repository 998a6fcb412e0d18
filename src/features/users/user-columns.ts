import { personalDataColumns } from '../auth/policy.ts';

/** CSV columns an import writes, in template order (the seed product's template). */
export const importColumns = ['vendor_data', 'display_name', 'full_name', 'email', 'phone', 'country', 'status', 'tags', 'metadata_json'] as const;

/** Every column an export can hold, in file order. Import columns keep the template's names. */
export const exportColumns = [
  'didit_internal_id',
  'vendor_data',
  'display_name',
  'effective_name',
  'full_name',
  'date_of_birth',
  'email',
  'phone',
  'country',
  'status',
  'tags',
  'metadata_json',
  'session_count',
  'approved_count',
  'declined_count',
  'in_review_count',
  'first_session_at',
  'last_session_at',
  'last_activity_at',
  'created_at',
  'updated_at',
] as const;

export type ImportColumn = (typeof importColumns)[number];
export type ExportColumn = (typeof exportColumns)[number];

/** Columns an export has but an import ignores (with a warning): ids, verified fields, counters, timestamps. */
export const readOnlyColumns: readonly ExportColumn[] = exportColumns.filter((column) => !(importColumns as readonly string[]).includes(column));

/** The columns a role without personal-data access may export. */
export const restrictedExportColumns: readonly ExportColumn[] = exportColumns.filter((column) => !(personalDataColumns as readonly string[]).includes(column));

export const templateExampleRow: Record<ImportColumn, string> = {
  vendor_data: 'customer-0001',
  display_name: 'Ana',
  full_name: 'Ana María López',
  email: 'ana@example.com',
  phone: '+34600123456',
  country: 'ESP',
  status: 'ACTIVE',
  tags: 'vip,migrated',
  metadata_json: '{"tier":"gold"}',
};

/** Formula-injection guard from the contract: cells starting with = + - @ ' tab or CR get a leading ' unless plainly numeric. */
export function guardFormula(cell: string): string {
  if (cell === '' || !/^[=+\-@'\t\r]/.test(cell)) return cell;
  if (/^[+-]?[0-9]+(\.[0-9]+)?$/.test(cell)) return cell;
  return `'${cell}`;
}
