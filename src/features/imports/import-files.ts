import { guardFormula, importColumns, templateExampleRow } from '../../shared/user-columns.ts';
import { decodeCells } from './staging/copy-text.ts';
import { rowErrors, type StoredRow } from './staging/import-rows.repository.ts';

/** CSV the import hands back to people: the template and the error report. UTF-8 with BOM so Excel reads it right. */
const BOM = '\uFEFF';

function csvCell(value: string, delimiter: string): string {
  const guarded = guardFormula(value);
  return /["\r\n]/.test(guarded) || guarded.includes(delimiter) || guarded.trim() !== guarded ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One CSV line; `delimiter` is the source file's separator for the error report (docs/vendor-migration.md). */
export function csvLine(cells: readonly string[], delimiter = ','): string {
  return `${cells.map((cell) => csvCell(cell, delimiter)).join(delimiter)}\r\n`;
}

export function templateCsv(): string {
  return BOM + csvLine(importColumns) + csvLine(importColumns.map((column) => templateExampleRow[column]));
}

export function errorReportHeader(fileColumns: readonly string[], delimiter = ','): string {
  return BOM + csvLine(['line', 'row', 'error_codes', 'errors', ...fileColumns], delimiter);
}

/** One invalid row: where it is, why, and its cells as the file had them. */
export function errorReportLine(row: StoredRow, fileColumns: readonly string[], delimiter = ','): string {
  const errors = [...rowErrors(row), ...(row.warnings ?? []).filter((warning) => warning.code === 'cell_cleared')];
  const cells = decodeCells(row.cells);
  while (cells.length < fileColumns.length) cells.push('');
  return csvLine([
    String(row.line),
    String(row.row),
    errors.map((error) => error.code).join(','),
    errors.map((error) => (error.column ? `${error.column}: ${error.message}` : error.message)).join('; '),
    ...cells,
  ], delimiter);
}

/** The preview's "values": each cell under the file's own column name (extra cells of a long row under their position). */
export function rowValues(cells: readonly string[], fileColumns: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  cells.forEach((cell, index) => {
    const name = fileColumns[index] || `column_${index + 1}`;
    values[Object.hasOwn(values, name) ? `column_${index + 1}` : name] = cell;
  });
  return values;
}
