import type { TableRecord } from './table-reader.ts';

/**
 * How a batch of records crosses from the reader process to the job (readers/isolated-reader.ts):
 * the body of an R frame, and back.
 */
export function encodeRecordBatch(records: readonly TableRecord[]): Buffer {
  return Buffer.from(JSON.stringify(records));
}

export function decodeRecordBatch(body: Buffer): TableRecord[] {
  return JSON.parse(body.toString('utf8')) as TableRecord[];
}
