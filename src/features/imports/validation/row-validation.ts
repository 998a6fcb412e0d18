import { importChangeFields, type ImportChangeFieldName } from '../../../shared/user-catalogue.ts';
import { cellParsers, fastCellChecks, fastVendorData, validateNote, validateVendorData } from '../../users/user-rules.public.ts';
import { stripFormulaGuard } from '../readers/csv-reader.ts';
import type { ColumnPlan } from './import-columns.ts';
import type { ImportValues, RowError } from '../imports.tables.ts';
import { mergeMetadataCells } from './metadata-cells.ts';

// Every field an import changes must have a value slot (the compiler checks the two agree).
type ValueKeys = Exclude<keyof ImportValues, 'vendor_data'>;
type _EveryImportFieldHasAValue = [ImportChangeFieldName] extends [ValueKeys] ? ([ValueKeys] extends [ImportChangeFieldName] ? true : never) : never;
const _check: _EveryImportFieldHasAValue = true;
void _check;

export interface ValidatedRow {
  values: ImportValues;
  /** The row's own reason for a status change (the optional `status_reason` column). */
  statusReason: string | null;
  errors: RowError[];
}

/** Not a user field: an import's own column giving the reason for a row's status change (docs/import-ledger.md). */
export const STATUS_REASON_COLUMN = 'status_reason';
export const MAX_STATUS_REASON_CHARS = 500;

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
  if (cell.length === 0) return true;
  const first = cell.charCodeAt(0);
  // A printable ASCII character other than space is not blank; anything else asks trim().
  return !(first > 0x20 && first < 0x7f) && cell.trim().length === 0;
}

/** `totalFields`: the row's real count when the reader kept only the first fields of a very long row. */
/** `typed`: positions of cells that held a JSON value other than a string (JSON and NDJSON files). */
export function validateRow(fields: readonly string[], plan: ColumnPlan, totalFields = fields.length, typed?: readonly number[]): ValidatedRow {
  const values = emptyValues();
  if (totalFields !== plan.fieldCount) {
    return {
      values,
      statusReason: null,
      errors: [{ column: null, code: 'wrong_field_count', message: `This row has ${totalFields} field${totalFields === 1 ? '' : 's'}; the header has ${plan.fieldCount}.` }],
    };
  }
  const errors: RowError[] = [];
  const vendorCell = stripFormulaGuard(fields[plan.positions.vendor_data!] ?? '');
  const plainVendorData = fastVendorData(vendorCell);
  if (plainVendorData !== undefined) values.vendor_data = plainVendorData;
  else {
    const vendorData = validateVendorData(vendorCell);
    if (vendorData.ok) values.vendor_data = vendorData.value;
    else errors.push(toRowError('vendor_data', vendorData.error));
  }

  for (const spec of importChangeFields) {
    const position = plan.positions[spec.csv];
    if (position === undefined) continue;
    const cell = stripFormulaGuard(fields[position]!);
    if (isBlank(cell)) continue;
    // A plainly valid cell is accepted cheaply (user-fields-fast.ts); anything else goes to the validator.
    const plain = fastCellChecks[spec.name](cell);
    if (plain !== undefined) {
      (values as unknown as Record<string, unknown>)[spec.name] = plain;
      continue;
    }
    const result = cellParsers[spec.name](cell);
    if (result.ok) (values as unknown as Record<string, unknown>)[spec.name] = result.value;
    else errors.push(toRowError(spec.csv, result.error));
  }
  if (plan.metadataKeys) mergeMetadataCells(fields, plan.metadataKeys, values, errors, typed);
  let statusReason: string | null = null;
  if (plan.statusReasonPosition !== undefined) {
    const reason = validateNote(STATUS_REASON_COLUMN, stripFormulaGuard(fields[plan.statusReasonPosition]!), { required: false, maxChars: MAX_STATUS_REASON_CHARS });
    if (reason.ok) statusReason = reason.value;
    else errors.push(toRowError(STATUS_REASON_COLUMN, reason.error));
  }
  return { values, statusReason, errors };
}

function toRowError(column: string, error: { code: string; message: string }): RowError {
  return { column, code: error.code, message: error.message };
}
