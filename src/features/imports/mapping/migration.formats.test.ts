import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import { buildXlsx } from '../../../../test/xlsx-file.ts';
import { previewRows, startAndFinish, usersOf } from '../../../../test/support/imports.ts';
import { settledImport } from '../../../../test/support/import-mapping.ts';

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

const fresh = () => createTestTenant(roster.ctx);

describe('other formats, found from the content', () => {
  it('imports the first sheet of an .xlsx workbook (shared strings after the sheet), sent as multipart', async () => {
    const tenant = await fresh();
    const workbook = buildXlsx([
      ['Vendor Data', 'E-mail', 'Mobile', 'Country'],
      ['x-1', 'ana@example.com', '+33612345678', 'FRA'],
      ['x-2', 'bo@example.com', 34600123456, 'ESP'],
    ]);
    const ready = await settledImport(roster, tenant, workbook, { multipart: true, fileName: 'users.xlsx' });
    expect(ready).toMatchObject({ status: 'ready', format: 'xlsx', encoding: null, delimiter: null, file_name: 'users.xlsx', total_rows: 2, valid_rows: 1, invalid_rows: 1 });
    const invalid = (await previewRows(roster, tenant, ready.id, '?only=invalid')).rows;
    // A number cell keeps all its digits; without a + it is not E.164 (and there is no national form to fix).
    expect(invalid[0]).toMatchObject({ line: 3, values: { Mobile: '34600123456' }, errors: [{ column: 'phone', code: 'invalid_phone' }] });
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user.email, user.phone])).toEqual([['x-1', 'ana@example.com', '+33612345678']]);
  });

  it('imports a JSON array: union of keys, nested values as JSON text (kept as structure in metadata.KEY)', async () => {
    const tenant = await fresh();
    const file = JSON.stringify([
      { vendor_data: 'j-1', email: 'j1@example.com', tags: 'vip', profile: { tier: 'gold' } },
      { vendor_data: 'j-2', country: 'DEU' },
    ], null, 2);
    const ready = await settledImport(roster, tenant, file);
    expect(ready).toMatchObject({ status: 'ready', format: 'json', valid_rows: 2 });
    expect(ready.columns.map((column) => column.source)).toEqual(['vendor_data', 'email', 'tags', 'profile', 'country']);
    expect(ready.warnings).toEqual([expect.objectContaining({ code: 'column_not_imported', column: 'profile' })]);
    const rows = (await previewRows(roster, tenant, ready.id)).rows;
    expect(rows[0]).toMatchObject({ line: 2, values: { profile: '{"tier":"gold"}', country: '' } });
  });

  it('imports an object whose array property holds the records', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, '{"count": 2, "users": [{"external_id": "w-1"}, {"external_id": "w-2"}]}');
    expect(ready).toMatchObject({ status: 'ready', format: 'json', valid_rows: 2 });
  });

  it('imports NDJSON; a bad line is one invalid row with its line number', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, '{"vendor_data": "n-1"}\n{"vendor_data": "n-2", \n{"vendor_data": "n-3", "email": "n3@example.com"}\n', { query: { file_name: 'users.ndjson' } });
    expect(ready).toMatchObject({ status: 'ready', format: 'ndjson', total_rows: 3, valid_rows: 2, invalid_rows: 1 });
    const invalid = (await previewRows(roster, tenant, ready.id, '?only=invalid')).rows;
    expect(invalid).toMatchObject([{ row: 2, line: 2, action: 'skip', errors: [{ column: null, code: 'invalid_json_line', message: expect.stringContaining('Line 2') }] }]);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => user.vendor_data)).toEqual(['n-1', 'n-3']);
  });
});

describe('malformed files fail clearly', () => {
  const cases: [string, string | Buffer, string][] = [
    ['a broken xlsx', buildXlsx([['vendor_data'], ['a']]).subarray(0, 120), 'invalid_xlsx'],
    ['JSON that is not an array', '{\n  "name": "not a list"\n}\n', 'json_not_an_array'],
    ['JSON cut short', '[{"vendor_data": "a"}, {"vendor_data": ', 'invalid_json'],
    ['an old .xls workbook', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'unsupported_format'],
  ];
  for (const [what, file, code] of cases) {
    it(`fails ${what} with ${code}`, async () => {
      const tenant = await fresh();
      const failed = await settledImport(roster, tenant, file);
      expect(failed).toMatchObject({ status: 'failed', error: { code, message: expect.any(String) } });
    });
  }
});
