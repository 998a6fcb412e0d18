import type { CsvRecord } from './csv-reader.ts';
import { CopyRowBuffer, copyTextArray, encodeCells } from './copy-text.ts';
import type { ColumnPlan } from './import-columns.ts';
import type { RowAction } from './imports.tables.ts';
import { classifyRow, type ExistingUser } from './row-classification.ts';
import { validateRow } from './row-validation.ts';

/** A slice of an import file, checked as one unit (on the job's thread or on a validation thread). */
export interface RowBatch {
  importId: string;
  appId: string;
  plan: ColumnPlan;
  /** False when the application had no users as validation began: every valid row is then a create. */
  lookUpUsers: boolean;
  records: CsvRecord[];
}

export interface BatchCounts {
  valid: number;
  invalid: number;
  toCreate: number;
  toUpdate: number;
  unchanged: number;
}

export interface BatchResult extends BatchCounts {
  /** The batch's rows in COPY text format (UTF-8), in the column order of importRowsCopySql. */
  copyData: Uint8Array;
}

export type FindExistingUsers = (appId: string, vendorData: string[]) => Promise<Map<string, ExistingUser>>;

/** Validates every row, looks up the users the valid rows name, and classifies each row. */
export async function processBatch(batch: RowBatch, findExisting: FindExistingUsers): Promise<BatchResult> {
  const checked = batch.records.map((record) => validateRow(record.fields, batch.plan, record.fields.length + (record.droppedFields ?? 0)));
  const keys: string[] = [];
  for (const row of checked) if (row.errors.length === 0) keys.push(row.values.vendor_data!);
  const existing = batch.lookUpUsers && keys.length > 0 ? await findExisting(batch.appId, keys) : new Map<string, ExistingUser>();

  const counts: BatchCounts = { valid: 0, invalid: 0, toCreate: 0, toUpdate: 0, unchanged: 0 };
  const out = new CopyRowBuffer(batch.records.length * 256);
  for (let i = 0; i < checked.length; i++) {
    const { values, errors } = checked[i]!;
    const record = batch.records[i]!;
    let action: RowAction = 'skip';
    if (errors.length > 0) {
      counts.invalid++;
    } else {
      counts.valid++;
      action = classifyRow(existing.get(values.vendor_data!), values);
      if (action === 'create') counts.toCreate++;
      else if (action === 'update') counts.toUpdate++;
      else counts.unchanged++;
    }
    // Column order of importRowsCopySql.
    out.field(batch.importId);
    out.raw(String(record.row));
    out.raw(String(record.line));
    out.field(encodeCells(record.fields));
    out.field(values.vendor_data);
    out.field(values.display_name);
    out.field(values.full_name);
    out.field(values.email);
    out.field(values.phone);
    out.field(values.country);
    out.field(values.status);
    out.raw(copyTextArray(values.tags));
    out.field(values.metadata === null ? null : JSON.stringify(values.metadata));
    out.field(errors.length > 0 ? JSON.stringify(errors) : null);
    out.raw(action, true);
  }
  const copyData = out.finish();
  return { copyData, ...counts };
}
