import { importFields } from '../../../shared/user-catalogue.ts';
import type { ImportMode } from '../../users/index.ts';
import type { WriteModes } from '../../users/user-rules.public.ts';
import { CopyRowBuffer, copyTextArray, encodeCells } from '../staging/copy-text.ts';
import type { ColumnPlan } from './import-columns.ts';
import type { RowAction, RowError } from '../imports.tables.ts';
import { decodeRecordBatch, type TableRecord } from '../readers/index.ts';
import { adjustRow, type CellFix, type FixSettings } from '../mapping/row-fixes.ts';
import { classifyRow, type ExistingUser } from './row-classification.ts';
import { NO_KEY, vendorDataHash } from './repeated-keys.ts';
import { validateRow } from './row-validation.ts';
import { clearInvalidCells } from './cleared-cells.ts';
import type { InvalidCells, Removals } from '../write-options.ts';

/** A slice of an import file, checked as one unit (on the job's thread or on a validation thread). */
export interface RowBatch {
  importId: string;
  appId: string;
  plan: ColumnPlan;
  /** The mode given at upload: the forecast skips what the run would skip. */
  mode: ImportMode;
  /** False when the application had no users as validation began: every valid row is then a create. */
  lookUpUsers: boolean;
  /** The rows, as objects or as the reader process encoded them (readers/record-frames.ts). */
  records?: TableRecord[];
  encoded?: Uint8Array;
  /** Suggested fixes to propose and the kinds accepted (docs/vendor-migration.md); absent: none. */
  fixes?: FixSettings;
  /** How tags and metadata apply over what users have; absent: both replace. */
  writeModes?: WriteModes;
  /** clear_cell: a row whose only errors are in optional cells is applied without them. */
  invalidCells?: InvalidCells;
}

export interface BatchCounts {
  valid: number;
  invalid: number;
  toCreate: number;
  toUpdate: number;
  unchanged: number;
  /** Rows carrying a pending fix, per fix code. */
  fixCounts?: Record<string, number>;
  /** Valid rows the mode skips (create_only: existing users; update_only: unknown ones). */
  toSkip: number;
  /** Rows (of existing users, not skipped) that change each field. */
  fieldChanges: Record<string, number>;
  /** "FROM>TO" → rows, for existing users. */
  statusChanges: Record<string, number>;
  /** Rows with a verified_field_ignored warning. */
  verifiedIgnored: number;
  /** Rows applied without some of their cells (clear_cell). */
  cellsCleared: number;
  /** What the forecast takes away from existing users. */
  removals: Removals;
}

export interface BatchResult extends BatchCounts {
  /** The batch's rows in COPY text format (UTF-8), in the column order of importRowsCopySql. */
  copyData: Uint8Array;
  /** Per record, a hash of its vendor_data (NO_KEY when it has none): the job finds repeats with them (repeated-keys.ts). */
  keys: Int32Array;
}

export type FindExistingUsers = (appId: string, vendorData: string[]) => Promise<Map<string, ExistingUser>>;

export const emptyCounts = (): BatchCounts => ({ valid: 0, invalid: 0, toCreate: 0, toUpdate: 0, unchanged: 0, toSkip: 0, fieldChanges: {}, statusChanges: {}, verifiedIgnored: 0, cellsCleared: 0, removals: {} });

/** Adds `more` into `into` (the job sums its batches this way). */
export function addCounts(into: BatchCounts, more: BatchCounts): void {
  into.valid += more.valid;
  into.invalid += more.invalid;
  into.toCreate += more.toCreate;
  into.toUpdate += more.toUpdate;
  into.unchanged += more.unchanged;
  into.toSkip += more.toSkip;
  into.verifiedIgnored += more.verifiedIgnored;
  into.cellsCleared += more.cellsCleared;
  addRemovals(into.removals, more.removals);
  for (const [field, rows] of Object.entries(more.fieldChanges)) into.fieldChanges[field] = (into.fieldChanges[field] ?? 0) + rows;
  for (const [change, rows] of Object.entries(more.statusChanges)) into.statusChanges[change] = (into.statusChanges[change] ?? 0) + rows;
  if (more.fixCounts) {
    into.fixCounts ??= {};
    for (const [code, rows] of Object.entries(more.fixCounts)) into.fixCounts[code] = (into.fixCounts[code] ?? 0) + rows;
  }
}

/** Validates every row, looks up the users the valid rows name, and classifies each row. */
export async function processBatch(batch: RowBatch, findExisting: FindExistingUsers): Promise<BatchResult> {
  const records = batch.records ?? decodeRecordBatch(batch.encoded!);
  const pendingFixes: (CellFix[] | null)[] = [];
  const fixCounts: Record<string, number> = {};
  const checked = records.map((record) => {
    if (record.problem) {
      pendingFixes.push(null);
      const error: RowError = { column: null, code: record.problem.code, message: record.problem.message };
      return { values: validateRow([], { fieldCount: -1, positions: {} }).values, statusReason: null, errors: [error] };
    }
    // A very long row keeps only its first fields: its real count makes the wrong_field_count error.
    const totalFields = record.fields.length + (record.droppedFields ?? 0);
    if (!batch.fixes) {
      pendingFixes.push(null);
      return validateRow(record.fields, batch.plan, totalFields, record.typed);
    }
    const adjusted = adjustRow(record.fields, batch.plan, batch.fixes);
    // The staged cells are the ones the row will import: accepted fixes applied.
    record.fields = adjusted.fields as string[];
    pendingFixes.push(adjusted.pending.length > 0 ? adjusted.pending : null);
    for (const code of new Set(adjusted.pending.map((fix) => fix.code))) fixCounts[code] = (fixCounts[code] ?? 0) + 1;
    return validateRow(record.fields, batch.plan, totalFields, record.typed);
  });
  const lookUps: string[] = [];
  for (const row of checked) if (row.errors.length === 0) lookUps.push(row.values.vendor_data!);
  const existing = batch.lookUpUsers && lookUps.length > 0 ? await findExisting(batch.appId, lookUps) : new Map<string, ExistingUser>();

  const counts = emptyCounts();
  const keys = new Int32Array(checked.length);
  const out = new CopyRowBuffer(records.length * 256);
  for (let i = 0; i < checked.length; i++) {
    const record = records[i]!;
    const cleared = batch.invalidCells === 'clear_cell' && !record.problem ? clearInvalidCells(checked[i]!) : null;
    if (cleared) counts.cellsCleared++;
    const { values, statusReason, errors } = checked[i]!;
    keys[i] = values.vendor_data === null ? NO_KEY : vendorDataHash(values.vendor_data);
    let action: RowAction = 'skip';
    let changes: string | null = null;
    let warnings: string | null = null;
    let skipCode: string | null = null;
    if (errors.length > 0) {
      counts.invalid++;
    } else {
      counts.valid++;
      const user = existing.get(values.vendor_data!);
      const classified = classifyRow(user, values, batch.writeModes);
      action = classified.action;
      if (classified.changes) changes = JSON.stringify(classified.changes);
      if (classified.warnings.length > 0) counts.verifiedIgnored++;
      if (classified.warnings.length > 0 || cleared) warnings = JSON.stringify([...(cleared ?? []), ...classified.warnings]);
      if (batch.mode === 'create_only' && user) skipCode = 'exists';
      if (batch.mode === 'update_only' && !user) skipCode = 'not_found';
      if (skipCode) {
        action = 'skip';
        counts.toSkip++;
      } else if (action === 'create') counts.toCreate++;
      else if (action === 'update') {
        counts.toUpdate++;
        for (const field of changedFieldKeys(classified.changes!)) counts.fieldChanges[field] = (counts.fieldChanges[field] ?? 0) + 1;
        if (classified.removed) countRemovals(counts.removals, classified.removed, batch.writeModes);
        const status = classified.changes!.status;
        if (status) counts.statusChanges[`${status.from}>${status.to}`] = (counts.statusChanges[`${status.from}>${status.to}`] ?? 0) + 1;
      } else counts.unchanged++;
    }
    // Column order of importRowsCopySql.
    out.field(batch.importId);
    out.raw(String(record.row));
    out.raw(String(record.line));
    out.field(encodeCells(record.fields));
    for (const spec of importFields) {
      const value = values[spec.name];
      if (spec.kind === 'tags') out.raw(copyTextArray(value as string[] | null));
      else if (spec.kind === 'metadata') out.field(value === null ? null : JSON.stringify(value));
      else out.field(value as string | null);
    }
    out.field(statusReason);
    out.field(errors.length > 0 ? JSON.stringify(errors) : null);
    out.field(action);
    out.field(changes);
    out.field(warnings);
    out.field(skipCode);
    const fixes = pendingFixes[i];
    out.field(fixes ? JSON.stringify(fixes) : null, true);
  }
  const copyData = out.finish();
  return { copyData, keys, ...counts, fixCounts };
}

/** field_changes keys of a row's changes: each field, each metadata key (`metadata.KEY`), each tag added (`tags.+TAG`) or removed (`tags.-TAG`). */
function changedFieldKeys(changes: Record<string, { from: unknown; to: unknown; added?: string[]; removed?: string[] }>): string[] {
  const keys = Object.keys(changes);
  const tags = changes.tags;
  if (tags) for (const [sign, list] of [['+', tags.added], ['-', tags.removed]] as const) for (const tag of list ?? []) keys.push(`tags.${sign}${tag}`);
  return keys;
}

/** Only a replace's removals are counted: a `remove` of tags is what was asked. */
function countRemovals(into: Removals, removed: { metadata: string[]; tags: string[] }, modes: WriteModes | undefined): void {
  if (removed.metadata.length > 0 && (modes?.metadata ?? 'replace') === 'replace') {
    into.metadata ??= { users: 0, keys: {} };
    into.metadata.users++;
    for (const key of removed.metadata) into.metadata.keys[key] = (into.metadata.keys[key] ?? 0) + 1;
  }
  if (removed.tags.length > 0 && (modes?.tags ?? 'replace') === 'replace') {
    into.tags ??= { users: 0, tags: {} };
    into.tags.users++;
    for (const tag of removed.tags) into.tags.tags[tag] = (into.tags.tags[tag] ?? 0) + 1;
  }
}

function addRemovals(into: Removals, more: Removals): void {
  if (more.metadata) {
    into.metadata ??= { users: 0, keys: {} };
    into.metadata.users += more.metadata.users;
    for (const [key, rows] of Object.entries(more.metadata.keys)) into.metadata.keys[key] = (into.metadata.keys[key] ?? 0) + rows;
  }
  if (more.tags) {
    into.tags ??= { users: 0, tags: {} };
    into.tags.users += more.tags.users;
    for (const [tag, rows] of Object.entries(more.tags.tags)) into.tags.tags[tag] = (into.tags.tags[tag] ?? 0) + rows;
  }
}
