import { describe, expect, it } from 'vitest';
import { decodeRecordBatch, encodeRecordBatch, ownRecordBatch, recordCount, recordRows } from './record-frames.ts';
import type { TableRecord } from './table-reader.ts';

const roundTrip = (records: TableRecord[]) => decodeRecordBatch(ownRecordBatch(encodeRecordBatch(records)));

describe('record batches as bytes', () => {
  it('give back exactly the records written: Latin-1, wider text, lone surrogates, empty cells, problems, typed cells, dropped fields', () => {
    const records: TableRecord[] = [
      { row: 1, line: 2, fields: ['cust-1', 'José', '', 'Zoë Müller'] },
      { row: 2, line: 3, fields: [], problem: { code: 'invalid_json_line', message: 'Line 3 is not JSON: Unexpected token' } },
      { row: 3, line: 5, fields: ['a\tb\nc', '{"n":1}', 'true'], typed: [1, 2] },
      { row: 4, line: 6, fields: ['x'], droppedFields: 12 },
    ];
    expect(roundTrip(records)).toEqual(records);
    const wide: TableRecord[] = [
      { row: 7, line: 9, fields: ['名前', '😀', 'lone \uD800 high', 'lone \uDC00 low', 'Ω'] },
      { row: 8, line: 10, fields: ['plain'] },
    ];
    const back = roundTrip(wide);
    expect(back).toEqual(wide);
    expect(back[0]!.fields[2]!.charCodeAt(5)).toBe(0xd800);
  });

  it('say how many records they hold and their row numbers without decoding them', () => {
    const records = Array.from({ length: 600 }, (_, i) => ({ row: i * 2 + 1, line: i + 2, fields: [`u-${i}`, `n ${i}`] }));
    const bytes = encodeRecordBatch(records);
    expect(recordCount(bytes)).toBe(600);
    expect(Array.from(recordRows(bytes))).toEqual(records.map((record) => record.row));
    expect(roundTrip([])).toEqual([]);
  });

  it('a copy of a batch read at an odd offset is its own aligned buffer', () => {
    const bytes = encodeRecordBatch([{ row: 1, line: 1, fields: ['a'] }]);
    const shifted = Buffer.concat([Buffer.from([0]), bytes]).subarray(1);
    const own = ownRecordBatch(shifted);
    expect(own.byteOffset).toBe(0);
    expect(own.buffer.byteLength).toBe(bytes.length);
    expect(decodeRecordBatch(own)).toEqual([{ row: 1, line: 1, fields: ['a'] }]);
  });
});
