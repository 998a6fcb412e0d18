import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { exportColumns, guardFormula } from '../../shared/user-columns.ts';
import { csvText, previewOf, previewRows, startAndFinish, templateHeader, uploadCsv, usersOf, waitForImport } from '../../../test/support/imports.ts';

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

/** Each test imports into a fresh application so counts never depend on another test. */
async function freshTenant(): Promise<TestTenant> {
  tenant = await createTestTenant(roster.ctx);
  return tenant;
}

describe('files from the real world', () => {
  it("reads Excel's semicolon export with a BOM and CRLF line ends", async () => {
    await freshTenant();
    const file = '\uFEFFVendor Data;Display Name;E-Mail Address;Country\r\nxl-1;José;jose@example.com;ESP\r\nxl-2;Zoë;;fra\r\n';
    // "E-Mail Address" is a synonym of email (docs/vendor-migration.md): the file no longer fails on it.
    const mapped = await previewOf(roster, tenant, file);
    expect(mapped).toMatchObject({ status: 'ready', valid_rows: 2 });
    expect(mapped.columns[2]).toMatchObject({ source: 'E-Mail Address', field: 'email', how: 'synonym' });
    await freshTenant();

    const ready = await previewOf(roster, tenant, '\uFEFFVendor Data;Display Name;EMAIL;Country\r\nxl-1;José;jose@example.com;ESP\r\nxl-2;Zoë;;fra\r\n');
    expect(ready).toMatchObject({ status: 'ready', encoding: 'utf-8-bom', delimiter: ';', total_rows: 2, valid_rows: 2 });
    expect(ready.columns.map((column) => column.source)).toEqual(['Vendor Data', 'Display Name', 'EMAIL', 'Country']);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user.display_name, user.email, user.country])).toEqual([
      ['xl-1', 'José', 'jose@example.com', 'ESP'],
      ['xl-2', 'Zoë', null, 'FRA'],
    ]);
  });

  it('reads UTF-16 with a BOM, tab separated, as Excel saves "Unicode text"', async () => {
    await freshTenant();
    const text = '\uFEFFvendor_data\tdisplay_name\tphone\r\nu16-1\tÅsa Öberg\t+46 70 123 45 67\r\nu16-2\t李小龍\t\r\n';
    const ready = await previewOf(roster, tenant, Buffer.from(text, 'utf16le'));
    expect(ready).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', total_rows: 2, valid_rows: 2 });
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => [user.display_name, user.phone])).toEqual([
      ['Åsa Öberg', '+46701234567'],
      ['李小龍', null],
    ]);
  });

  it('reads Windows-1252 when the bytes are not UTF-8', async () => {
    await freshTenant();
    const bytes = iconv.encode('vendor_data,display_name,full_name\ncp-1,Zoë,François Núñez\ncp-2,Ångström,Œuvre – “quoted”\n', 'windows1252');
    const ready = await previewOf(roster, tenant, bytes);
    expect(ready).toMatchObject({ encoding: 'windows-1252', valid_rows: 2 });
    const rows = await previewRows(roster, tenant, ready.id);
    expect(rows.rows[1]!.values).toEqual({ vendor_data: 'cp-2', display_name: 'Ångström', full_name: 'Œuvre – “quoted”' });
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => user.full_name)).toEqual(['François Núñez', 'Œuvre – “quoted”']);
  });

  it('keeps quoted newlines inside a field and numbers rows and lines apart', async () => {
    await freshTenant();
    const file = 'vendor_data,metadata_json,display_name\nq-1,"{\n  ""note"": ""two\\nlines""\n}",Ana\n\nq-2,,"Bo ""the"" Builder"\n';
    const ready = await previewOf(roster, tenant, file);
    expect(ready).toMatchObject({ total_rows: 2, valid_rows: 2 });
    const rows = await previewRows(roster, tenant, ready.id);
    expect(rows.rows.map((row) => [row.row, row.line])).toEqual([
      [1, 2],
      [2, 6],
    ]);
    await startAndFinish(roster, tenant, ready.id);
    const users = await usersOf(roster, tenant);
    expect(users[0]!.metadata).toEqual({ note: 'two\nlines' });
    expect(users[1]!.display_name).toBe('Bo "the" Builder');
  });

  it('takes a header-only file as a valid import of 0 rows', async () => {
    await freshTenant();
    const ready = await previewOf(roster, tenant, `${templateHeader.join(',')}\r\n`);
    expect(ready).toMatchObject({ status: 'ready', total_rows: 0, valid_rows: 0 });
    expect(await startAndFinish(roster, tenant, ready.id)).toMatchObject({ status: 'completed', processed_rows: 0, created: 0 });
  });
});

describe('invalid rows', () => {
  const longTags = Array.from({ length: 51 }, (_, i) => `t${i}`).join(',');
  const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
  const cases: [string, Record<string, string>][] = [
    ['missing_vendor_data', { vendor_data: '' }],
    ['invalid_vendor_data', { vendor_data: ' padded ' }],
    ['vendor_data_too_long', { vendor_data: 'v'.repeat(2001) }],
    ['display_name_too_long', { display_name: 'd'.repeat(501) }],
    ['full_name_too_long', { full_name: 'f'.repeat(501) }],
    ['invalid_email', { email: 'ana@' }],
    ['invalid_phone', { phone: '600 123 456' }],
    ['invalid_phone', { phone: '+34 1' }],
    ['invalid_country', { country: 'ES' }],
    ['invalid_status', { status: 'DELETED' }],
    ['invalid_tags', { tags: `ok,${'x'.repeat(101)}` }],
    ['too_many_tags', { tags: longTags }],
    ['invalid_metadata_json', { metadata_json: '{tier: gold}' }],
    ['invalid_metadata', { metadata_json: '[1,2]' }],
    ['metadata_too_large', { metadata_json: JSON.stringify({ blob: 'x'.repeat(70_000) }) }],
    ['metadata_too_deep', { metadata_json: deep }],
  ];

  it('reports each kind of invalid cell with its column and code, and skips the row', async () => {
    await freshTenant();
    const rows = cases.map(([, cells], index) => templateHeader.map((column) => cells[column] ?? (column === 'vendor_data' ? `bad-${index}` : '')));
    const ready = await previewOf(roster, tenant, csvText([templateHeader, ['good-1', 'Fine', '', '', '', '', '', '', ''], ...rows]));
    expect(ready).toMatchObject({ total_rows: cases.length + 1, valid_rows: 1, invalid_rows: cases.length });
    const invalid = await previewRows(roster, tenant, ready.id, '?only=invalid');
    expect(invalid.rows.map((row) => [row.action, row.errors.map((error) => error.code)])).toEqual(cases.map(([code]) => ['skip', [code]]));
    expect(invalid.rows.map((row) => row.errors[0]!.column)).toEqual(cases.map(([, cells]) => Object.keys(cells)[0]));
    const done = await startAndFinish(roster, tenant, ready.id);
    expect(done).toMatchObject({ created: 1, skipped: cases.length });
    expect((await usersOf(roster, tenant)).map((user) => user.vendor_data)).toEqual(['good-1']);
  });

  it('checks control characters in a UTF-16 file, where the reader lets them through to validation', async () => {
    await freshTenant();
    const text = '\uFEFFvendor_data\tdisplay_name\r\nbell-1\tring \u0007 ring\r\n';
    const ready = await previewOf(roster, tenant, Buffer.from(text, 'utf16le'));
    expect(ready).toMatchObject({ status: 'ready', invalid_rows: 1 });
    const invalid = await previewRows(roster, tenant, ready.id, '?only=invalid');
    expect(invalid.rows[0]!.errors).toEqual([{ column: 'display_name', code: 'invalid_display_name', message: expect.any(String) }]);
  });

  it('lets the first occurrence of a vendor_data win and marks later ones duplicate_vendor_data', async () => {
    await freshTenant();
    const file = csvText([
      ['vendor_data', 'display_name'],
      ['dup-1', 'First'],
      ['dup-2', 'Other'],
      ['dup-1', 'Second'],
      ['dup-1', 'Third'],
    ]);
    const ready = await previewOf(roster, tenant, file);
    expect(ready).toMatchObject({ total_rows: 4, valid_rows: 2, invalid_rows: 2, to_create: 2 });
    const invalid = await previewRows(roster, tenant, ready.id, '?only=invalid');
    expect(invalid.rows.map((row) => [row.line, row.errors])).toEqual([
      [4, [{ column: 'vendor_data', code: 'duplicate_vendor_data', message: 'vendor_data "dup-1" already appears on line 2 (row 1); the first occurrence wins' }]],
      [5, [{ column: 'vendor_data', code: 'duplicate_vendor_data', message: expect.stringContaining('line 2') }]],
    ]);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => user.display_name)).toEqual(['First', 'Other']);
  });

  it('marks a row with more or fewer fields than the header wrong_field_count, not the file', async () => {
    await freshTenant();
    const ready = await previewOf(roster, tenant, 'vendor_data,display_name\nok-1,Ana\nshort\nlong,Bo,extra\n');
    expect(ready).toMatchObject({ status: 'ready', valid_rows: 1, invalid_rows: 2 });
    const invalid = await previewRows(roster, tenant, ready.id, '?only=invalid');
    expect(invalid.rows.map((row) => [row.line, row.errors[0]!.code, row.values])).toEqual([
      [3, 'wrong_field_count', { vendor_data: 'short' }],
      [4, 'wrong_field_count', { vendor_data: 'long', display_name: 'Bo', column_3: 'extra' }],
    ]);
  });
});

describe('files that cannot be read', () => {
  const unreadable: [string, string | Buffer, string, number | undefined][] = [
    ['empty_file', '', 'no bytes', undefined],
    ['binary_content', Buffer.concat([Buffer.from('vendor_data\nok\n'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])]), 'binary bytes', 3],
    ['unterminated_quote', 'vendor_data,display_name\nq-1,Ana\nq-2,"never closed\nq-3,Bo\n', 'an unclosed quote', 3],
    ['duplicate_column', 'vendor_data,email,Email\nv-1,a@example.com,b@example.com\n', 'a column twice', 1],
  ];

  for (const [code, file, what, line] of unreadable) {
    it(`fails the import as a whole with ${code} for ${what}`, async () => {
      await freshTenant();
      const failed = await previewOf(roster, tenant, file);
      expect(failed).toMatchObject({ status: 'failed', error: { code, message: expect.any(String) }, total_rows: 0 });
      if (line !== undefined) expect(failed.error!.line).toBe(line);
      expect(failed.finished_at).not.toBeNull();
      const start = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/imports/${failed.id}/start`, headers: tenant.operators.ADMIN.auth });
      expect(start.statusCode).toBe(409);
    });
  }
});

describe('volume', () => {
  it('validates and runs 100,000 rows with 1% invalid, counting exactly', { timeout: 120_000 }, async () => {
    await freshTenant();
    let file = `${templateHeader.join(',')}\n`;
    for (let i = 1; i <= 100_000; i++) {
      const email = i % 100 === 0 ? 'broken.example.com' : `user${i}@example.com`;
      file += `big-${i},User ${i},,${email},+3460${String(i).padStart(7, '0')},ESP,,vip,"{""n"":${i}}"\n`;
    }
    const response = await uploadCsv(roster, tenant, file);
    const ready = await waitForImport(roster, tenant, response.json().id, ['ready'], 60_000);
    expect(ready).toMatchObject({ total_rows: 100_000, valid_rows: 99_000, invalid_rows: 1_000, to_create: 99_000, to_update: 0, unchanged: 0 });
    const done = await startAndFinish(roster, tenant, ready.id, 60_000);
    expect(done).toMatchObject({ processed_rows: 100_000, created: 99_000, updated: 0, unchanged: 0, skipped: 1_000, failed: 0 });
    const count = await roster.ctx.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('app_id', '=', tenant.appId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(99_000);
  });
});

describe("an export's file", () => {
  it('imports back as all unchanged, ignoring read-only columns with warnings and leaving updated_at alone', async () => {
    await freshTenant();
    const verifiedAt = new Date('2026-01-02T03:04:05Z');
    await roster.ctx.db
      .insertInto('users')
      .values([
        { app_id: tenant.appId, vendor_data: 'exp-1', display_name: '=SUM(A1)', full_name: 'Ana Verified', date_of_birth: '1990-05-06', email: 'ana@example.com', phone: '+34600123456', country: 'ESP', status: 'FLAGGED', tags: ['vip', 'gold'], metadata: JSON.stringify({ tier: 'gold', n: 1.5, nested: { b: 2, a: [1, 'x'] } }), verified_at: verifiedAt },
        { app_id: tenant.appId, vendor_data: '+not-a-number', display_name: null, full_name: null, email: null, phone: null, country: null, tags: [], metadata: '{}' },
      ])
      .execute();
    const before = await usersOf(roster, tenant);
    const cell = (user: (typeof before)[number], column: string): string => {
      const value = (() => {
        switch (column) {
          case 'effective_name':
            return user.display_name ?? user.full_name;
          case 'tags':
            return user.tags.join(',');
          case 'metadata_json':
            return JSON.stringify(user.metadata);
          default: {
            const raw = (user as Record<string, unknown>)[column];
            return raw instanceof Date ? raw.toISOString() : raw;
          }
        }
      })();
      return guardFormula(value === null || value === undefined ? '' : String(value));
    };
    const file = `\uFEFF${csvText([[...exportColumns], ...before.map((user) => exportColumns.map((column) => cell(user, column)))], { eol: '\r\n' })}`;
    const ready = await previewOf(roster, tenant, file);
    expect(ready).toMatchObject({ status: 'ready', total_rows: 2, valid_rows: 2, to_create: 0, to_update: 0, unchanged: 2 });
    expect(ready.warnings.map((warning) => warning.column)).toEqual(['didit_internal_id', 'effective_name', 'date_of_birth', 'session_count', 'approved_count', 'declined_count', 'in_review_count', 'first_session_at', 'last_session_at', 'last_activity_at', 'created_at', 'updated_at']);
    const done = await startAndFinish(roster, tenant, ready.id);
    expect(done).toMatchObject({ created: 0, updated: 0, unchanged: 2, skipped: 0 });
    expect(await usersOf(roster, tenant)).toEqual(before);
  });
});
