import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildXlsx } from '../../../../test/xlsx-file.ts';
import { readImportTable, sniffFormat, type TableHeader, type TableRecord } from './index.ts';

/** Reads a whole file through the common interface, in chunks of `chunk` bytes to cross every boundary. */
async function readAll(bytes: Buffer | string, chunk = 7, flatten?: string[]) {
  const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const open = () =>
    (async function* () {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
    })();
  let header: TableHeader | undefined;
  const records: TableRecord[] = [];
  for await (const item of readImportTable(open, flatten ? { flatten } : {})) {
    if (Array.isArray(item)) records.push(...item);
    else header = item;
  }
  return { header: header!, records };
}

async function failureOf(bytes: Buffer | string) {
  try {
    await readAll(bytes, 64);
  } catch (error) {
    return error as { code: string; message: string; line?: number };
  }
  throw new Error('expected the file to fail');
}

describe('format sniffing', () => {
  it('finds the format from the content, never the name', async () => {
    const sniff = (text: string | Buffer) => sniffFormat(() => (async function* () { yield Buffer.from(text); })());
    expect(await sniff('vendor_data,email\n')).toBe('csv');
    expect(await sniff('  [{"vendor_data": "a"}]')).toBe('json');
    expect(await sniff('{"users": [{"localId": "a"}]}')).toBe('json');
    expect(await sniff('{\n  "users": []\n}')).toBe('json');
    expect(await sniff('{"vendor_data": "a"}\n{"vendor_data": "b"}\n')).toBe('ndjson');
    expect(await sniff(buildXlsx([['vendor_data']]))).toBe('xlsx');
    await expect(sniff(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).rejects.toMatchObject({ code: 'unsupported_format' });
  });
});

describe('JSON', () => {
  it('reads an array of objects: the union of keys as headers, nested values as JSON text, lines of each record', async () => {
    const { header, records } = await readAll('[\n  {"vendor_data": "a-1", "email": "a@example.com", "tags": ["x", "y"]},\n  {"vendor_data": "a-2", "phone": 33612345678, "active": true, "extra": {"k": "v"}, "email": null}\n]\n');
    expect(header).toMatchObject({ format: 'json', delimiter: null, columns: ['vendor_data', 'email', 'tags', 'phone', 'active', 'extra'] });
    expect(records).toEqual([
      // typed: the cells that held a JSON value other than a string (metadata keeps their types).
      { row: 1, line: 2, fields: ['a-1', 'a@example.com', '["x","y"]', '', '', ''], typed: [2] },
      { row: 2, line: 3, fields: ['a-2', '', '', '33612345678', 'true', '{"k":"v"}'], typed: [3, 4, 5, 1] },
    ]);
  });

  it('reads the records of an object whose array property holds them, with strings holding brackets and escaped quotes', async () => {
    const { header, records } = await readAll('{"kind": "export", "meta": {"n": [1, 2]}, "users": [{"localId": "u]1", "displayName": "A \\"quoted\\" {name}"}, {"localId": "u2"}], "next": null}');
    expect(header.columns).toEqual(['localId', 'displayName']);
    expect(records.map((record) => record.fields)).toEqual([['u]1', 'A "quoted" {name}'], ['u2', '']]);
  });

  it('spreads the objects a preset names into key.child columns', async () => {
    const { header, records } = await readAll('[{"externalUserId": "s-1", "info": {"country": "FRA", "firstName": "Ana"}}]', 5, ['info']);
    expect(header.columns).toEqual(['externalUserId', 'info.country', 'info.firstName']);
    expect(records[0]!.fields).toEqual(['s-1', 'FRA', 'Ana']);
  });

  it('gives a record that is not an object as an invalid row', async () => {
    const { records } = await readAll('[{"vendor_data": "a"}, 42, {"vendor_data": "b"}]');
    expect(records.map((record) => record.problem?.code ?? 'ok')).toEqual(['ok', 'not_an_object', 'ok']);
  });

  it('fails JSON that is not an array, or holds no array, or is malformed', async () => {
    expect(await failureOf('{\n  "name": "not a list",\n  "count": 3\n}\n')).toMatchObject({ code: 'json_not_an_array' });
    expect(await failureOf('[{"vendor_data": "a"},\n {"vendor_data": "b",}]')).toMatchObject({ code: 'invalid_json', line: 2 });
    expect(await failureOf('[{"vendor_data": "a"}, {"vendor_data": "b"}')).toMatchObject({ code: 'invalid_json' });
    expect(await failureOf('[{"vendor_data": "a"} {"vendor_data": "b"}]')).toMatchObject({ code: 'invalid_json' });
  });
});

describe('NDJSON', () => {
  it('reads one object per line; a bad line is an invalid row, not a failed file', async () => {
    const { header, records } = await readAll('{"vendor_data": "n-1", "email": "a@example.com"}\r\n\n{"vendor_data": "n-2", oops}\n{"vendor_data": "n-3", "phone": "+33612345678"}\n[1, 2]\n');
    expect(header).toMatchObject({ format: 'ndjson', columns: ['vendor_data', 'email', 'phone'] });
    expect(records.map((record) => [record.row, record.line, record.problem?.code ?? record.fields.join('|')])).toEqual([
      [1, 1, 'n-1|a@example.com|'],
      [2, 3, 'invalid_json_line'],
      [3, 4, 'n-3||+33612345678'],
      [4, 5, 'not_an_object'],
    ]);
  });
});

describe('xlsx', () => {
  const rows = [
    ['Vendor Data', 'E-mail', 'Mobile', 'Country', 'Note'],
    ['x-1', 'ana@example.com', 33612345678, 'FR', 'a & b <c> "d"'],
    ['x-2', null, null, 'France', null],
    [],
    ['x-3', 'bo@example.com', '0612345678', 'FRA', true],
  ];

  it('reads the first sheet with shared strings after the sheet, as Excel writes them', async () => {
    const { header, records } = await readAll(buildXlsx(rows), 1000);
    expect(header).toMatchObject({ format: 'xlsx', columns: ['Vendor Data', 'E-mail', 'Mobile', 'Country', 'Note'] });
    expect(records).toEqual([
      { row: 1, line: 2, fields: ['x-1', 'ana@example.com', '33612345678', 'FR', 'a & b <c> "d"'] },
      { row: 2, line: 3, fields: ['x-2', '', '', 'France', ''] },
      { row: 3, line: 5, fields: ['x-3', 'bo@example.com', '0612345678', 'FRA', 'true'] },
    ]);
  });

  it('reads inline strings and stored (uncompressed) entries the same way', async () => {
    const inline = await readAll(buildXlsx(rows, { inlineStrings: true, compress: false, sharedStringsFirst: true }), 333);
    expect(inline.records.map((record) => record.fields[0])).toEqual(['x-1', 'x-2', 'x-3']);
  });

  it('reads a workbook written by exceljs', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Users');
    sheet.addRow(['vendor_data', 'email', 'country']);
    sheet.addRow(['e-1', 'e1@example.com', 'ESP']);
    sheet.addRow(['e-2', 'e2@example.com', 'DE']);
    workbook.addWorksheet('Second').addRow(['ignored']);
    const { header, records } = await readAll(Buffer.from(await workbook.xlsx.writeBuffer()), 4096);
    expect(header.columns).toEqual(['vendor_data', 'email', 'country']);
    expect(records.map((record) => record.fields)).toEqual([['e-1', 'e1@example.com', 'ESP'], ['e-2', 'e2@example.com', 'DE']]);
  });

  it('loses no row where the sheet XML is cut between chunks', async () => {
    const many = [['vendor_data', 'email'], ...Array.from({ length: 5000 }, (_, i) => [`r-${i + 1}`, `u${i + 1}@example.com`])];
    const { records } = await readAll(buildXlsx(many), 65536);
    expect(records).toHaveLength(5000);
    expect(records.every((record, i) => record.fields[0] === `r-${i + 1}` && record.line === i + 2)).toBe(true);
  });

  it('fails a broken workbook clearly', async () => {
    const good = buildXlsx(rows);
    expect(await failureOf(good.subarray(0, good.length - 40))).toMatchObject({ code: 'invalid_xlsx' });
    expect(await failureOf(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]))).toMatchObject({ code: 'invalid_xlsx' });
  });
});
