import { exportColumns, type ImportColumn, importColumns, readOnlyColumns } from '../../../shared/user-columns.ts';
import type { CsvHeader } from '../readers/csv-reader.ts';
import type { MetadataColumn } from './metadata-cells.ts';
import type { ImportWarning } from '../imports.tables.ts';
import { STATUS_REASON_COLUMN } from './row-validation.ts';

/** Where each importable column sits in a file's rows; the rest of a row is ignored. */
export interface ColumnPlan {
  /** Fields every row must have: the header's count. */
  fieldCount: number;
  positions: Partial<Record<ImportColumn, number>>;
  /** Columns mapped to `metadata.KEY` (docs/vendor-migration.md#mapping-api): [KEY, position]. */
  metadataKeys?: MetadataColumn[];
  /** Where the optional `status_reason` column is (docs/import-ledger.md#status-guard: a reason per row for status changes). */
  statusReasonPosition?: number;
}

export interface PlannedColumns {
  plan: ColumnPlan;
  warnings: ImportWarning[];
  /** Header names that are neither importable nor export columns, as the file spells them. */
  unknown: string[];
}

const importable = new Set<string>(importColumns);
const readOnly = new Set<string>(readOnlyColumns);
// The error report's own columns: a fixed report can be uploaded again as it is.
const reportColumns = new Set<string>(['line', 'row', 'error_codes', 'errors']);

// Names people reach for that the template spells differently.
const suggestions: Record<string, string> = { metadata: 'metadata_json', name: 'display_name', tag: 'tags', mail: 'email', phone_number: 'phone' };

/** Maps a header (already normalised by the reader: case and spaces) onto the import's columns. */
export function planColumns(header: CsvHeader): PlannedColumns {
  const positions: ColumnPlan['positions'] = {};
  let statusReasonPosition: number | undefined;
  const warnings: ImportWarning[] = [];
  const unknown: string[] = [];
  header.normalized.forEach((name, index) => {
    if (name === '') {
      warnings.push({ code: 'unnamed_column_ignored', message: `Column ${index + 1} has no name in the header; its cells are ignored.` });
    } else if (name === STATUS_REASON_COLUMN) {
      statusReasonPosition = index;
    } else if (importable.has(name)) {
      positions[name as ImportColumn] = index;
    } else if (readOnly.has(name)) {
      const why = name === 'full_name' || name === 'date_of_birth' ? 'a verified field' : 'read-only';
      warnings.push({ code: 'read_only_column_ignored', column: name, message: `${name} is ${why}: an import never changes it, so the column is ignored.` });
    } else if (reportColumns.has(name)) {
      warnings.push({ code: 'report_column_ignored', column: name, message: `${name} is a column of the error report; it is ignored.` });
    } else {
      unknown.push(header.columns[index] ?? name);
    }
  });
  return { plan: { fieldCount: header.columns.length, positions, ...(statusReasonPosition === undefined ? {} : { statusReasonPosition }) }, warnings, unknown };
}

export function describeUnknownColumns(unknown: readonly string[]): string {
  const named = unknown.map((column) => {
    const hint = suggestions[column.trim().toLowerCase().replace(/[\s-]+/g, '_')];
    return hint ? `"${column}" (did you mean ${hint}?)` : `"${column}"`;
  });
  return `The header has ${unknown.length > 1 ? 'columns' : 'a column'} an import does not know: ${named.join(', ')}. Use the template's columns (${importColumns.join(', ')}, and optionally ${STATUS_REASON_COLUMN}); an export's other columns are accepted and ignored.`;
}

/** Every column an import file may have, for documentation and error messages. */
export const knownColumns: readonly string[] = exportColumns;
