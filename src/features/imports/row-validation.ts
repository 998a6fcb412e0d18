import type { UserStatus } from '../../db/schema.ts';
import type { ImportColumn } from '../users/user-columns.ts';
import {
  type FieldResult,
  parseMetadataCell,
  parseTagsCell,
  validateCountry,
  validateDisplayName,
  validateEmail,
  validateFullName,
  validatePhone,
  validateStatus,
  validateVendorData,
} from '../users/user-fields.ts';
import { stripFormulaGuard } from './csv-reader.ts';
import type { ColumnPlan } from './import-columns.ts';
import type { RowError } from './imports.tables.ts';

/**
 * One import row checked with the users API's own validators (user-fields.ts), cell by cell.
 * A null value means "leave the field as it is": the cell was empty or the file lacks the column.
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

export interface ValidatedRow {
  values: ImportValues;
  errors: RowError[];
}

type CellValidator = (cell: string) => FieldResult<unknown>;

// Empty cells never reach these: they mean "leave as it is" for every optional column.
const optionalColumns: [Exclude<ImportColumn, 'vendor_data'>, keyof ImportValues, CellValidator][] = [
  ['display_name', 'display_name', validateDisplayName],
  ['full_name', 'full_name', validateFullName],
  ['email', 'email', validateEmail],
  ['phone', 'phone', validatePhone],
  ['country', 'country', validateCountry],
  ['status', 'status', validateStatus],
  // An all-commas cell gives no tags; like an empty cell it leaves the user's tags alone.
  ['tags', 'tags', (cell) => {
    const result = parseTagsCell(cell);
    return result.ok && result.value.length === 0 ? { ok: true, value: null } : result;
  }],
  ['metadata_json', 'metadata', parseMetadataCell],
];

const emptyValues = (): ImportValues => ({
  vendor_data: null,
  display_name: null,
  full_name: null,
  email: null,
  phone: null,
  country: null,
  status: null,
  tags: null,
  metadata: null,
});

function isBlank(cell: string): boolean {
  return cell.length === 0 || cell.trim().length === 0;
}

/** `totalFields`: the row's real count when the reader kept only the first fields of a very long row. */
export function validateRow(fields: readonly string[], plan: ColumnPlan, totalFields = fields.length): ValidatedRow {
  const values = emptyValues();
  if (totalFields !== plan.fieldCount) {
    return {
      values,
      errors: [{ column: null, code: 'wrong_field_count', message: `This row has ${totalFields} field${totalFields === 1 ? '' : 's'}; the header has ${plan.fieldCount}.` }],
    };
  }
  const errors: RowError[] = [];
  const vendorData = validateVendorData(stripFormulaGuard(fields[plan.positions.vendor_data!] ?? ''));
  if (vendorData.ok) values.vendor_data = vendorData.value;
  else errors.push(toRowError('vendor_data', vendorData.error));

  for (const [column, key, validate] of optionalColumns) {
    const position = plan.positions[column];
    if (position === undefined) continue;
    const cell = stripFormulaGuard(fields[position]!);
    if (isBlank(cell)) continue;
    const result = validate(cell);
    if (result.ok) (values as unknown as Record<string, unknown>)[key] = result.value;
    else errors.push(toRowError(column, result.error));
  }
  return { values, errors };
}

function toRowError(column: string, error: { code: string; message: string }): RowError {
  return { column, code: error.code, message: error.message };
}
