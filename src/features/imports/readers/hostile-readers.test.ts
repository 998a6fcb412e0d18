import { describe, expect, it } from 'vitest';
import { xlsxFromParts } from '../../../../test/xlsx-file.ts';
import { inputLimits } from '../../../platform/untrusted-input.ts';
import { readImportTable, type TableHeader, type TableRecord } from './index.ts';

/**
 * The hostile files of issue #19, each as small as the one that was found, read through the common
 * interface. Every one fails at once with the input guard's code (docs/security.md), or reads bounded.
 */

async function readAll(bytes: Buffer | string) {
  const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const open = () =>
    (async function* () {
      for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
    })();
  let header: TableHeader | undefined;
  const records: TableRecord[] = [];
  for await (const item of readImportTable(open)) {
    if (Array.isArray(item)) records.push(...item);
    else header = item;
  }
  return { header: header!, records };
}

async function failureOf(bytes: Buffer | string) {
  try {
    await readAll(bytes);
  } catch (error) {
    return error as { code: string; message: string; line?: number };
  }
  throw new Error('expected the file to fail');
}

const sheet = (rows: string) => `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
const sharedStrings = (items: string) => `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${items}</sst>`;
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe('hostile workbooks', () => {
  it('a cell reference past the last column (ZZZZZZZ2, finding 1) fails the file with too_many_columns instead of filling a row up to it', async () => {
    const file = xlsxFromParts(sheet(`<row r="1">${inline('A1', 'vendor_data')}</row><row r="2">${inline('A2', 'x1')}<c r="ZZZZZZZ2"><v>1</v></c></row>`), sharedStrings(''));
    expect(file.length).toBeLessThan(2_500);
    expect(await failureOf(file)).toMatchObject({ code: 'too_many_columns', line: 2 });
  });

  it('a value past the header within the sheet is counted, not placed: the row holds the header and a few fields more', async () => {
    const { records } = await readAll(xlsxFromParts(sheet(`<row r="1">${inline('A1', 'vendor_data')}</row><row r="2">${inline('A2', 'x1')}<c r="XFD2"><v>1</v></c></row>`), sharedStrings('')));
    expect(records).toEqual([{ row: 1, line: 2, fields: ['x1'], droppedFields: 1 }]);
  });

  it('a header wider than the column limit fails with too_many_columns', async () => {
    const file = xlsxFromParts(sheet(`<row r="1">${inline('A1', 'vendor_data')}${inline('ALN1', 'far')}</row>`), sharedStrings(''));
    expect(await failureOf(file)).toMatchObject({ code: 'too_many_columns', line: 1 });
  });

  it('a shared-string table of millions of empty <si></si> fails with too_many_shared_strings, counted by entries', async () => {
    const file = xlsxFromParts(sheet(`<row r="1">${inline('A1', 'vendor_data')}</row>`), sharedStrings('<si></si>'.repeat(inputLimits.sharedStrings + 1)));
    expect(file.length).toBeLessThan(200_000);
    expect(await failureOf(file)).toMatchObject({ code: 'too_many_shared_strings' });
  });

  it('340,000 unclosed <c> tags in a row (finding 2) fail with invalid_xlsx: one forward scan, no backtracking', async () => {
    const file = xlsxFromParts(sheet(`<row r="1">${inline('A1', 'vendor_data')}</row><row r="2">${'<c>'.repeat(340_000)}</row>`), sharedStrings(''));
    expect(file.length).toBeLessThan(3_000);
    expect(await failureOf(file)).toMatchObject({ code: 'invalid_xlsx', message: expect.stringContaining('row 2') });
  });

  it('unclosed <rPh> tags inside a shared string fail with too_deeply_nested (the phonetic-guide pattern backtracked on them)', async () => {
    const file = xlsxFromParts(sheet(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`), sharedStrings(`<si><t>vendor_data</t>${'<rPh>'.repeat(340_000)}</si>`));
    expect(await failureOf(file)).toMatchObject({ code: 'too_deeply_nested' });
  });

  it('a shared string with an unclosed <rPh> reads its text and leaves the guide out', async () => {
    const { header } = await readAll(xlsxFromParts(sheet(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`), sharedStrings(`<si><t>vendor_data</t><rPh sb="0"><t>ベンダー</t></si>`)));
    expect(header.columns).toEqual(['vendor_data']);
  });

  it('&#x110000; (finding 9) fails with invalid_xlsx naming the reference, not a JavaScript RangeError', async () => {
    const file = xlsxFromParts(sheet(`<row r="1">${inline('A1', 'vendor_data')}</row><row r="2">${inline('A2', 'x&#x110000;')}</row>`), sharedStrings(''));
    const failure = await failureOf(file);
    expect(failure).toMatchObject({ code: 'invalid_xlsx', message: expect.stringContaining('&#x110000;') });
  });

  it('character and entity references still read', async () => {
    const { records } = await readAll(xlsxFromParts(sheet(`<row r="1">${inline('A1', 'vendor_data')}</row><row r="2">${inline('A2', '&#x41;&#66;&amp;&lt;_x000D_&unknown; & x')}</row>`), sharedStrings('')));
    expect(records[0]!.fields).toEqual(['AB&<\r&unknown; & x']);
  });
});

describe('hostile JSON', () => {
  it('an NDJSON record with 200,000 keys (finding 2) fails with too_many_columns at that record', async () => {
    const wide = `{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
    expect(await failureOf(`{"vendor_data":"a"}\n${wide}\n`)).toMatchObject({ code: 'too_many_columns', line: 2 });
  });

  it('records whose keys together pass the column limit fail with too_many_columns', async () => {
    const records = Array.from({ length: inputLimits.columns + 1 }, (_, i) => `{"vendor_data":"u${i}","key_${i}":1}`).join('\n');
    expect(await failureOf(records)).toMatchObject({ code: 'too_many_columns' });
  });

  it('column names past the header limit fail with header_too_long', async () => {
    const name = 'k'.repeat(inputLimits.headerChars / 2 + 1);
    expect(await failureOf(`[{"vendor_data":"a","${name}1":1,"${name}2":2}]`)).toMatchObject({ code: 'header_too_long' });
  });

  it('a record nested 200,000 deep (finding 9) fails with too_deeply_nested, in an array and in NDJSON', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(await failureOf(`[{"vendor_data":"a","x":${deep}}]`)).toMatchObject({ code: 'too_deeply_nested', line: 1 });
    expect(await failureOf(`{"vendor_data":"a"}\n{"vendor_data":"b","x":${deep}}\n`)).toMatchObject({ code: 'too_deeply_nested', line: 2 });
  });

  it('a number longer than a person would type fails with number_too_long', async () => {
    expect(await failureOf(`[{"vendor_data":"a","n":${'9'.repeat(1_000)}}]`)).toMatchObject({ code: 'number_too_long' });
  });

  it('nesting within the limit, long strings and ordinary numbers read', async () => {
    const nested = `${'['.repeat(inputLimits.depth - 1)}1${']'.repeat(inputLimits.depth - 1)}`;
    const { records } = await readAll(`[{"vendor_data":"a","x":${nested},"n":-1.5e10,"s":"${'s'.repeat(100_000)}"}]`);
    expect(records[0]!.fields[2]).toBe('-15000000000');
    expect(records[0]!.fields[3]).toHaveLength(100_000);
  });
});

describe('hostile CSV', () => {
  it('a header past the column limit fails with the same code as the other formats', async () => {
    expect(await failureOf(`vendor_data${',c'.repeat(inputLimits.columns)}\n`)).toMatchObject({ code: 'too_many_columns', line: 1 });
  });
});
