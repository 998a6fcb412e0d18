import { type CsvColumnName, importFields, type ImportCsvColumn, personalDataCsvColumns, userCatalogue } from './user-catalogue.ts';

/** CSV columns an import writes, in template order (the seed product's template); from the field catalogue. */
export const importColumns: readonly ImportCsvColumn[] = importFields.map((spec) => spec.csv);

/** Every column an export can hold, in file order; from the field catalogue. Import columns keep the template's names. */
export const exportColumns: readonly CsvColumnName[] = userCatalogue.filter((spec) => spec.csv !== null).map((spec) => spec.csv as CsvColumnName);

export type ImportColumn = ImportCsvColumn;
export type ExportColumn = CsvColumnName;

/** Columns an export has but an import ignores (with a warning): ids, verified fields, counters, timestamps. */
export const readOnlyColumns: readonly ExportColumn[] = exportColumns.filter((column) => !(importColumns as readonly string[]).includes(column));

/** The columns a role without personal-data access may export. */
export const restrictedExportColumns: readonly ExportColumn[] = exportColumns.filter((column) => !personalDataCsvColumns.includes(column));

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
