import { importColumns, type ImportColumn, readOnlyColumns } from '../../../shared/user-columns.ts';
import type { ColumnPlan } from '../validation/import-columns.ts';
import { type MetadataCellType, metadataCellTypes, type MetadataColumn } from '../validation/metadata-cells.ts';
import type { ImportWarning } from '../imports.tables.ts';
import { STATUS_REASON_COLUMN } from '../validation/row-validation.ts';

/**
 * Header → field matching (docs/vendor-migration.md#mapping-api). A header matches a field ignoring case, spaces, `-` and
 * `_`, or through a synonym; a mapping given by an operator, remembered for the application, or
 * brought by a preset comes first. A header matching nothing is left out, with a warning.
 */
export type MappingHow = 'exact' | 'synonym' | 'saved' | 'manual' | 'none';

export interface ColumnMapping {
  source: string;
  /** An import column (`email`, `metadata_json`, …), `metadata.KEY`, or null when left out. */
  field: string | null;
  how: MappingHow;
  /** A few values of the column, for the mapping step. */
  samples?: string[];
  /** Its cells' value mapping, as it applies (given or remembered; column-transforms.ts). */
  values?: Record<string, string>;
  /** The columns joined into this column's field (it is the combine's first source). */
  combine?: { sources: string[]; separator: string };
}

/** {"Source header": field or "metadata.KEY" or null}. */
export type MappingInput = Record<string, string | null>;

export const METADATA_PREFIX = 'metadata.';

/** The key a header is matched by: case, spaces, `-` and `_` ignored. */
export function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[\s\-_]+/g, '');
}

/** The same headers in any order: what an application's saved mapping is filed under. */
export function headerSignature(columns: readonly string[]): string {
  return [...new Set(columns.map(headerKey))].filter((key) => key !== '').sort().join('\n');
}

// Synonyms as header keys; the first listed wins when a file has two of them.
const synonymsByField: Record<ImportColumn, readonly string[]> = {
  vendor_data: ['externalid', 'externaluserid', 'vendorid', 'customerid', 'clientuserid', 'userid', 'uid', 'localid', 'accountid', 'customerreference', 'reference'],
  display_name: ['name', 'nickname', 'username', 'screenname', 'preferredname'],
  full_name: ['legalname', 'customername', 'completename'],
  email: ['mail', 'emailaddress', 'useremail', 'contactemail', 'emailid'],
  phone: ['mobile', 'phonenumber', 'mobilephone', 'mobilenumber', 'mobilephonenumber', 'cellphone', 'cell', 'telephone', 'tel', 'msisdn', 'phoneno', 'contactnumber'],
  country: ['countrycode', 'countryiso', 'countryiso2', 'countryiso3', 'countryname', 'countryofresidence', 'residencecountry'],
  status: ['userstatus', 'accountstatus'],
  tags: ['tag', 'labels', 'label', 'groups'],
  metadata_json: ['metadata', 'meta'],
};

// status_reason is not a user field but a column an import reads (docs/import-ledger.md#status-guard: a reason per row for status changes).
const mappableFields: readonly string[] = [...importColumns, STATUS_REASON_COLUMN];
const exactFields = new Map<string, string>(mappableFields.map((column) => [headerKey(column), column]));
const synonymFields = new Map<string, { field: ImportColumn; rank: number }>();
for (const column of importColumns) synonymsByField[column].forEach((key, rank) => synonymFields.set(key, { field: column, rank }));
const readOnlyKeys = new Set(readOnlyColumns.map((column) => headerKey(column)));
// The error report's own columns: a fixed report can be uploaded again as it is.
const reportKeys = new Set(['line', 'row', 'errorcodes', 'errors']);

/** `metadata.KEY` or `metadata.KEY:type` (type: text, number, boolean, date, json; metadata-cells.ts). */
export function metadataTarget(field: string): { key: string; type?: MetadataCellType } {
  const key = field.slice(METADATA_PREFIX.length);
  const colon = key.lastIndexOf(':');
  const type = colon > 0 ? key.slice(colon + 1) : '';
  return (metadataCellTypes as readonly string[]).includes(type) ? { key: key.slice(0, colon), type: type as MetadataCellType } : { key };
}

/** Whether `field` may be a mapping target; returns the problem in words, or null. */
export function mappingTargetProblem(field: string): string | null {
  if (mappableFields.includes(field)) return null;
  if (field.startsWith(METADATA_PREFIX)) {
    const { key } = metadataTarget(field);
    if (key.trim() === '' || key.length > 100 || /[\u0000-\u001f\u007f]/.test(key)) return `"${field}": the metadata key must be 1 to 100 printable characters`;
    return null;
  }
  return `"${field}" is not a field an import writes; use one of ${mappableFields.join(', ')}, or metadata.KEY (optionally metadata.KEY:number, :boolean, :date, :json)`;
}

export interface MappingSources {
  /** Given for this import (PUT …/mapping). */
  manual?: MappingInput;
  /** Remembered by the application for these headers, or brought by a preset. */
  saved?: MappingInput;
}

export interface MappedColumns {
  columns: ColumnMapping[];
  warnings: ImportWarning[];
  plan: ColumnPlan;
}

const priority: Record<MappingHow, number> = { manual: 4, saved: 3, exact: 2, synonym: 1, none: 0 };

export function mapColumns(headers: readonly string[], sources: MappingSources = {}): MappedColumns {
  const warnings: ImportWarning[] = [];
  // A remembered mapping is found by header key: the next file may spell its headers differently.
  const saved = new Map(Object.entries(sources.saved ?? {}).map(([source, field]) => [headerKey(source), field]));
  const columns: ColumnMapping[] = headers.map((source) => {
    if (sources.manual && Object.hasOwn(sources.manual, source)) return { source, field: sources.manual[source] ?? null, how: 'manual' };
    const key = headerKey(source);
    if (saved.has(key)) return { source, field: saved.get(key) ?? null, how: 'saved' };
    const exact = exactFields.get(key);
    if (exact) return { source, field: exact, how: 'exact' };
    const synonym = synonymFields.get(key);
    if (synonym) return { source, field: synonym.field, how: 'synonym' };
    return { source, field: null, how: 'none' };
  });

  // One header per field: the stronger match keeps it (manual > saved > exact > synonym, then the earlier synonym, then file order).
  // Every step is a map or set lookup: the mapping step stays linear in the columns (a scan of the warnings per column was quadratic, issue #19).
  const holder = new Map<string, number>();
  const lostToDuplicate = new Set<string>();
  columns.forEach((column, index) => {
    if (column.field === null) return;
    const held = holder.get(column.field);
    if (held === undefined) return void holder.set(column.field, index);
    const other = columns[held]!;
    const rank = (c: ColumnMapping) => priority[c.how] * 100 - (c.how === 'synonym' ? synonymFields.get(headerKey(c.source))!.rank : 0);
    const [winner, loser] = rank(column) > rank(other) ? [index, held] : [held, index];
    holder.set(column.field, winner);
    const lost = columns[loser]!;
    lostToDuplicate.add(lost.source);
    warnings.push({ code: 'duplicate_mapping', column: lost.source, message: `"${lost.source}" would also fill ${lost.field}, which "${columns[winner]!.source}" fills: its cells are not imported.` });
    columns[loser] = { ...lost, field: null, how: lost.how === 'manual' || lost.how === 'saved' ? lost.how : 'none' };
  });

  const positions: ColumnPlan['positions'] = {};
  const metadataKeys: MetadataColumn[] = [];
  let statusReasonPosition: number | undefined;
  columns.forEach((column, index) => {
    if (column.field === null) {
      if (column.how === 'manual' || column.how === 'saved' || lostToDuplicate.has(column.source)) return;
      warnings.push(unmappedWarning(column.source, index));
    } else if (column.field === STATUS_REASON_COLUMN) {
      statusReasonPosition = index;
    } else if (column.field.startsWith(METADATA_PREFIX)) {
      const { key, type } = metadataTarget(column.field);
      metadataKeys.push(type ? [key, index, type] : [key, index]);
    } else {
      positions[column.field as ImportColumn] = index;
    }
  });
  const plan: ColumnPlan = { fieldCount: headers.length, positions, ...(metadataKeys.length > 0 ? { metadataKeys } : {}), ...(statusReasonPosition === undefined ? {} : { statusReasonPosition }) };
  return { columns, warnings, plan };
}

function unmappedWarning(source: string, index: number): ImportWarning {
  const key = headerKey(source);
  if (key === '') return { code: 'unnamed_column_ignored', message: `Column ${index + 1} has no name in the header; its cells are ignored.` };
  if (readOnlyKeys.has(key)) {
    const why = key === 'fullname' || key === 'dateofbirth' ? 'a verified field' : 'read-only';
    return { code: 'read_only_column_ignored', column: source, message: `${source} is ${why}: an import never changes it, so the column is ignored.` };
  }
  if (reportKeys.has(key)) return { code: 'report_column_ignored', column: source, message: `${source} is a column of the error report; it is ignored.` };
  return { code: 'column_not_imported', column: source, message: `"${source}" matches no field: its cells are not imported. Map it to a field, or to metadata.KEY to keep it.` };
}

export function mapsVendorData(columns: readonly ColumnMapping[]): boolean {
  return columns.some((column) => column.field === 'vendor_data');
}
