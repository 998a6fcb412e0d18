import type { ImportWarning } from '../imports.tables.ts';
import { STATUS_REASON_COLUMN, type ValidatedRow } from './row-validation.ts';

/**
 * invalid_cells = clear_cell (docs/imports.md, "Keep the good cells"): a row whose only errors are in
 * optional cells is applied without those cells (an empty cell leaves the user's field as it is).
 * A row-wide problem or a vendor_data error still skips the row: without its key nothing can apply.
 * Changes `row` in place; returns the warnings (`cell_cleared`, one per cell), or null when the row
 * is left as it was.
 */
export function clearInvalidCells(row: ValidatedRow): ImportWarning[] | null {
  if (row.errors.length === 0 || row.values.vendor_data === null) return null;
  if (row.errors.some((error) => error.column === null || error.column === 'vendor_data')) return null;
  const warnings = row.errors.map((error) => ({
    column: error.column!,
    code: 'cell_cleared',
    message: `${error.code}: ${error.message} The row is imported without this cell.`,
  }));
  for (const error of row.errors) {
    if (error.column === 'metadata' || error.column === 'metadata_json') row.values.metadata = null;
    else if (error.column === STATUS_REASON_COLUMN) row.statusReason = null;
  }
  row.errors = [];
  return warnings;
}
