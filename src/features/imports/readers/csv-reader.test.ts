import { Readable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { CsvFileError, readCsv, readCsvBatches, stripFormulaGuard, type CsvHeader, type CsvRecord, type CsvSource } from './csv-reader.ts';

/** Feeds `bytes` in pieces: one piece by default, else sizes cycling through `sizes`. */
async function* chunks(bytes: Buffer, sizes: number[] = [bytes.length || 1]): AsyncGenerator<Buffer> {
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length]!;
    // A fresh copy each time, as a real stream hands out its own buffers.
    yield Buffer.from(bytes.subarray(at, at + size));
    at += size;
  }
}
const TINY = [1, 2, 3, 4, 5, 6, 7, 3, 1];

async function read(source: CsvSource | Buffer, opts?: { requiredColumn?: string }) {
  const items: (CsvHeader | CsvRecord)[] = [];
  for await (const item of readCsv(Buffer.isBuffer(source) ? chunks(source) : source, opts)) items.push(item);
  const [header, ...records] = items as [CsvHeader, ...CsvRecord[]];
  return { header, records, rows: records.map((r) => r.fields) };
}

async function failure(source: CsvSource | Buffer): Promise<CsvFileError> {
  try {
    await read(source);
  } catch (err) {
    if (err instanceof CsvFileError) return err;
    throw err;
  }
  throw new Error('expected the file to fail');
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => utf16le(text).swap16();

describe('readCsv encodings', () => {
  it('reads an Excel semicolon export with a BOM and CRLF', async () => {
    const file = Buffer.concat([BOM, utf8('Vendor Data;Full Name;Country\r\nu-1;José Núñez;ESP\r\nu-2;"Doe; John";GBR\r\n')]);
    const { header, records } = await read(file);
    expect(header).toEqual({
      encoding: 'utf-8-bom', delimiter: ';',
      columns: ['Vendor Data', 'Full Name', 'Country'], normalized: ['vendor_data', 'full_name', 'country'],
    });
    expect(records).toEqual([
      { row: 1, line: 2, fields: ['u-1', 'José Núñez', 'ESP'] },
      { row: 2, line: 3, fields: ['u-2', 'Doe; John', 'GBR'] },
    ]);
  });

  it('reads UTF-16LE with a BOM and tabs, as Excel saves "Unicode text"', async () => {
    const { header, rows } = await read(utf16le('vendor_data\tfull_name\r\nu-1\tZoë Müller\r\nu-2\t李小龍\r\n'));
    expect(header.encoding).toBe('utf-16le');
    expect(header.delimiter).toBe('\t');
    expect(rows).toEqual([['u-1', 'Zoë Müller'], ['u-2', '李小龍']]);
  });

  it('reads UTF-16BE with a BOM', async () => {
    const { header, rows } = await read(utf16be('vendor_data,full_name\nu-1,Ñandú\n'));
    expect(header.encoding).toBe('utf-16be');
    expect(rows).toEqual([['u-1', 'Ñandú']]);
  });

  it('reads Windows-1252 bytes that are not valid UTF-8', async () => {
    const file = Buffer.concat([utf8('vendor_data,full_name\nu-1,Ren'), Buffer.from([0xe9]), utf8(' M'), Buffer.from([0xfc]),
      utf8('ller Pe'), Buffer.from([0xf1]), utf8('a '), Buffer.from([0x80]), utf8('\n')]);
    const { header, rows } = await read(file);
    expect(header.encoding).toBe('windows-1252');
    expect(rows).toEqual([['u-1', 'René Müller Peña €']]);
  });

  it('switches to Windows-1252 when the first non-ASCII byte comes after an ASCII prefix', async () => {
    const prefix = 'vendor_data,name\n' + 'u-0,plain\n'.repeat(10_000);
    const file = Buffer.concat([utf8(prefix + 'u-1,Andr'), Buffer.from([0xe9]), utf8('\n')]);
    const items: (CsvHeader | CsvRecord)[] = [];
    let encodingWhenYielded = '';
    for await (const item of readCsv(chunks(file, [4096]))) {
      if (items.length === 0) encodingWhenYielded = (item as CsvHeader).encoding;
      items.push(item);
    }
    const [header, ...records] = items as [CsvHeader, ...CsvRecord[]];
    // Updated in place once the byte arrives: the ASCII text read before it is the same in both.
    expect([encodingWhenYielded, header.encoding]).toEqual(['utf-8', 'windows-1252']);
    expect(records.at(-1)).toEqual({ row: 10_001, line: 10_002, fields: ['u-1', 'André'] });
  });

  it('reads a re-openable source as Windows-1252 when a bad byte follows valid UTF-8 accents far down', async () => {
    const file = Buffer.concat([utf8('vendor_data,name\nu-1,José\n' + 'u-0,plain\n'.repeat(10_000) + 'u-2,Andr'), Buffer.from([0xe9]), utf8('\n')]);
    const { header, records } = await read(() => chunks(file, [4096]));
    expect(header.encoding).toBe('windows-1252');
    expect(records[0]!.fields).toEqual(['u-1', 'JosÃ©']);
    expect(records.at(-1)!.fields).toEqual(['u-2', 'André']);
  });

  it('fails with invalid_encoding when a one-pass stream turns out not to be UTF-8 after UTF-8 text', async () => {
    const file = Buffer.concat([utf8('vendor_data,name\nu-1,José\n' + 'u-0,plain\n'.repeat(10_000) + 'u-2,Andr'), Buffer.from([0xe9]), utf8('\n')]);
    const err = await failure(chunks(file, [4096]));
    expect(err.code).toBe('invalid_encoding');
    expect(err.line).toBe(10_003);
  });

  it('accepts a Node readable stream', async () => {
    const { rows } = await read(Readable.from([utf8('vendor_data\nu-1\n'), utf8('u-2\n')]));
    expect(rows).toEqual([['u-1'], ['u-2']]);
  });
});

describe('readCsv records', () => {
  it('keeps quoted newlines in the field and counts them in later rows\' lines', async () => {
    const { records } = await read(utf8('vendor_data,notes\r\nu-1,"two\r\nlines"\r\nu-2,"three\nmore\nlines"\nu-3,x\n'));
    expect(records).toEqual([
      { row: 1, line: 2, fields: ['u-1', 'two\r\nlines'] },
      { row: 2, line: 4, fields: ['u-2', 'three\nmore\nlines'] },
      { row: 3, line: 7, fields: ['u-3', 'x'] },
    ]);
  });

  it('reads doubled quotes as one quote, and a quote inside an unquoted field as itself', async () => {
    const { rows } = await read(utf8('vendor_data,name,meta\nu-1,"Li ""Lee"" Wang","{""a"":1}"\nu-2,5" screen,a"b""c\n'));
    expect(rows).toEqual([['u-1', 'Li "Lee" Wang', '{"a":1}'], ['u-2', '5" screen', 'a"b""c']]);
  });

  it('joins text after a closing quote to the field instead of reopening the quote', async () => {
    const { rows } = await read(utf8('vendor_data,name\nu-1,"Ann"e\nu-2,Bo\n'));
    expect(rows).toEqual([['u-1', 'Anne'], ['u-2', 'Bo']]);
  });

  it.each([['|', 'pipe'], ['\t', 'tab'], [';', 'semicolon'], [',', 'comma']] as const)('detects the %s delimiter (%s)', async (d, _name) => {
    const { header, rows } = await read(utf8(`vendor_data${d}email${d}tags\nu-1${d}a@b.co${d}x\n`));
    expect(header.delimiter).toBe(d);
    expect(rows).toEqual([['u-1', 'a@b.co', 'x']]);
  });

  it('picks the delimiter found most often in the header, not counting quoted text', async () => {
    const { header } = await read(utf8('"a,b,c,d";vendor_data;e\nx;y;z\n'));
    expect(header.delimiter).toBe(';');
    expect(header.columns).toEqual(['a,b,c,d', 'vendor_data', 'e']);
  });

  it('ignores blank and whitespace-only lines but counts them in line numbers', async () => {
    const { records } = await read(utf8('\n\nvendor_data,name\n\nu-1,a\n   \r\n\r\nu-2,b\n\n'));
    expect(records).toEqual([{ row: 1, line: 5, fields: ['u-1', 'a'] }, { row: 2, line: 8, fields: ['u-2', 'b'] }]);
  });

  it('yields rows with too many or too few fields as they are', async () => {
    const { rows } = await read(utf8('vendor_data,a,b\nu-1,1,2,3,4\nu-2\nu-3,1,\n'));
    expect(rows).toEqual([['u-1', '1', '2', '3', '4'], ['u-2'], ['u-3', '1', '']]);
  });

  it('reads a header with no rows as 0 records', async () => {
    expect((await read(utf8('vendor_data,name\r\n'))).records).toEqual([]);
    expect((await read(utf8('vendor_data,name'))).records).toEqual([]);
  });

  it('reads the last row without a final line break, and old Mac CR-only line ends', async () => {
    expect((await read(utf8('vendor_data,n\nu-1,"a"'))).rows).toEqual([['u-1', 'a']]);
    expect((await read(utf8('vendor_data,n\ru-1,a\ru-2,b'))).records.map((r) => r.line)).toEqual([2, 3]);
  });

  it('batches give the same records as single yields', async () => {
    const file = utf8('vendor_data,n\n' + Array.from({ length: 5000 }, (_, i) => `u-${i},"x\n${i}"\n`).join(''));
    const batched: CsvRecord[] = [];
    for await (const item of readCsvBatches(chunks(file, [999]))) if (Array.isArray(item)) batched.push(...item);
    expect(batched).toEqual((await read(file)).records);
    expect(batched.at(-1)).toMatchObject({ row: 5000, line: 10_000 });
  });
});

describe('readCsv header', () => {
  it('matches columns case-, space- and hyphen-insensitively, trimmed', async () => {
    expect((await read(utf8('Email, VENDOR_DATA ,Date-Of-Birth\nx,u-1,y\n'))).header.normalized).toEqual(['email', 'vendor_data', 'date_of_birth']);
    expect((await read(utf8('Vendor Data\nu-1\n'))).header.columns).toEqual(['Vendor Data']);
  });

  it('strips a BOM left over in the first header cell', async () => {
    const { header } = await read(Buffer.concat([BOM, BOM, utf8('"vendor_data",name\nu-1,a\n')]));
    expect(header.columns).toEqual(['vendor_data', 'name']);
  });

  it('takes another required column when asked', async () => {
    const { header } = await read(chunks(utf8('external id,x\n1,2\n')), { requiredColumn: 'External ID' });
    expect(header.normalized).toEqual(['external_id', 'x']);
  });
});

describe('readCsv failures of the whole file', () => {
  it.each([
    ['no bytes', Buffer.alloc(0)],
    ['only whitespace', utf8('  \r\n\t\n ')],
    ['only a BOM', BOM],
    ['only a UTF-16 BOM', Buffer.from([0xff, 0xfe])],
  ])('empty_file: %s', async (_name, file) => {
    expect((await failure(file)).code).toBe('empty_file');
  });

  it('binary_content, with the line of the control byte', async () => {
    const err = await failure(utf8('vendor_data,name\nu-1,"a\nb"\nu-2,x\x00y\n'));
    expect([err.code, err.line]).toEqual(['binary_content', 4]);
    expect((await failure(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).code).toBe('binary_content');
  });

  it('does not take the NUL bytes of UTF-16 for binary content', async () => {
    expect((await read(utf16le('vendor_data\nu-1\n'))).rows).toEqual([['u-1']]);
  });

  it('unterminated_quote, with the line where the quote opened', async () => {
    const err = await failure(utf8('vendor_data,name\nu-1,a\nu-2,"never\nclosed\nu-3,b\n'));
    expect([err.code, err.line]).toEqual(['unterminated_quote', 3]);
  });

  it('unterminated_quote as soon as a quoted field runs on past 8 MiB, without reading on', async () => {
    const file = utf8('vendor_data,name\nu-1,"' + 'x'.repeat(9 << 20) + '"\n');
    const err = await failure(chunks(file, [65536]));
    expect([err.code, err.line]).toEqual(['unterminated_quote', 2]);
  });

  it('missing_vendor_data_column', async () => {
    const err = await failure(utf8('vendor,name\nu-1,a\n'));
    expect([err.code, err.line]).toEqual(['missing_vendor_data_column', 1]);
  });

  it('duplicate_column, after normalisation', async () => {
    const err = await failure(utf8('\nvendor_data,Full Name,full-name\nu-1,a,b\n'));
    expect([err.code, err.line]).toEqual(['duplicate_column', 2]);
    expect((await read(utf8('vendor_data;a;;\nu-1;1;;\n'))).header.columns).toEqual(['vendor_data', 'a', '', '']);
  });
});

describe('readCsv chunk boundaries', () => {
  const text = 'Vendor Data;Full Name;Notes\r\nu-1;José Núñez 李;"multi\r\nline; ""quoted"""\r\n\r\nu-2;Zoë 🙂;plain\r\nu-3;"a""b";\r\n';
  const cases: [string, Buffer][] = [
    ['UTF-8', utf8(text)],
    ['UTF-8 with BOM', Buffer.concat([BOM, utf8(text)])],
    ['UTF-16LE', utf16le(text)],
    ['UTF-16BE', utf16be(text)],
    ['Windows-1252', Buffer.concat([utf8('vendor_data;name\r\n'), Buffer.from([0x75, 0x31, 0x3b, 0xe9, 0x0d, 0x0a, 0x75, 0x32, 0x3b, 0xfc, 0xf1])])],
  ];
  it.each(cases)('%s in 1-7 byte pieces reads the same as one piece', async (_name, file) => {
    const whole = await read(chunks(file));
    for (const sizes of [TINY, [1], [2], [3]]) expect(await read(chunks(file, sizes))).toEqual(whole);
  });

  it('splits no character and no CRLF', async () => {
    const { records } = await read(chunks(utf8(text), [1]));
    expect(records).toEqual([
      { row: 1, line: 2, fields: ['u-1', 'José Núñez 李', 'multi\r\nline; "quoted"'] },
      { row: 2, line: 5, fields: ['u-2', 'Zoë 🙂', 'plain'] },
      { row: 3, line: 6, fields: ['u-3', 'a"b', ''] },
    ]);
  });
});

describe('stripFormulaGuard', () => {
  it.each([
    ["'=SUM(1)", '=SUM(1)'], ["'+4412", '+4412'], ["'-x", '-x'], ["'@cmd", '@cmd'], ["'\tx", '\tx'], ["'\rx", '\rx'],
    ["''x", "'x"], ["'''", "''"], ["'abc", "'abc"], ["'hello", "'hello"], ["'", "'"], ['', ''], ['=1', '=1'], ["a'=b", "a'=b"],
  ])('%j -> %j', (cell, expected) => {
    expect(stripFormulaGuard(cell)).toBe(expected);
  });
});
