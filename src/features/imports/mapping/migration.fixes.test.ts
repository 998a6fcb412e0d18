import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import { importsUrl, previewRows, startAndFinish, usersOf, waitForImport } from '../../../../test/support/imports.ts';
import { errorsCsv, patchRow, postFixes, putMapping, settledImport } from '../../../../test/support/import-mapping.ts';
import { rebuildStaging } from '../staging/staging-rebuild.ts';
import { validateImport } from '../validation/validate-import.job.ts';

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

const fresh = () => createTestTenant(roster.ctx);

const vendorFile = [
  'vendor_data,phone,country,status',
  'f-1,,FR,',
  'f-2,,France,',
  'f-3,,UK,',
  'f-4,,UAE,',
  'f-5,,Korea,',
  'f-6,0612345678,FRA,',
  'f-7,0033612345678,,',
  'f-8,0612345678,,',
  'f-9,,,enabled',
  'f-10,,,Suspended',
  'f-11,,fra,active',
].join('\n');

describe('suggested fixes', () => {
  it('proposes each kind on the rows it fits, keeps the current error, counts the row invalid, and changes nothing', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, vendorFile);
    expect(ready).toMatchObject({ status: 'ready', total_rows: 11, valid_rows: 1, invalid_rows: 10 });
    expect(ready.fix_counts).toEqual({ country_alpha2: 1, country_name: 3, phone_national: 2, status_synonym: 2 });
    const rows = (await previewRows(roster, tenant, ready.id)).rows;
    const byVendor = new Map(rows.map((row) => [row.values.vendor_data, row as typeof row & { fixes?: unknown[] }]));
    expect(byVendor.get('f-1')).toMatchObject({ action: 'skip', errors: [{ column: 'country', code: 'invalid_country' }], fixes: [{ column: 'country', from: 'FR', to: 'FRA', code: 'country_alpha2' }] });
    expect(byVendor.get('f-2')!.fixes).toEqual([{ column: 'country', from: 'France', to: 'FRA', code: 'country_name' }]);
    expect(byVendor.get('f-3')!.fixes).toEqual([{ column: 'country', from: 'UK', to: 'GBR', code: 'country_name' }]);
    expect(byVendor.get('f-4')!.fixes).toEqual([{ column: 'country', from: 'UAE', to: 'ARE', code: 'country_name' }]);
    // Ambiguous: no fix, the error stays.
    expect(byVendor.get('f-5')!.fixes).toBeUndefined();
    expect(byVendor.get('f-5')!.errors[0]!.code).toBe('invalid_country');
    expect(byVendor.get('f-6')).toMatchObject({ errors: [{ column: 'phone', code: 'invalid_phone' }], fixes: [{ column: 'phone', from: '0612345678', to: '+33612345678', code: 'phone_national' }] });
    expect(byVendor.get('f-7')!.fixes).toEqual([{ column: 'phone', from: '0033612345678', to: '+33612345678', code: 'phone_national' }]);
    // A national number on a row without any country: no fix.
    expect(byVendor.get('f-8')!.fixes).toBeUndefined();
    expect(byVendor.get('f-9')!.fixes).toEqual([{ column: 'status', from: 'enabled', to: 'ACTIVE', code: 'status_synonym' }]);
    expect(byVendor.get('f-10')!.fixes).toEqual([{ column: 'status', from: 'Suspended', to: 'BLOCKED', code: 'status_synonym' }]);
    // Letter case alone is valid, never a fix.
    expect(byVendor.get('f-11')).toMatchObject({ action: 'create', errors: [] });
    expect(byVendor.get('f-11')!.fixes).toBeUndefined();

    const report = await errorsCsv(roster, tenant, ready.id);
    expect(report.split('\r\n')[1]).toMatch(/^2,1,invalid_country,/);
    expect(await usersOf(roster, tenant)).toEqual([]);
  });

  it('applies accepted kinds to every row, validates again, and imports the fixed values', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, vendorFile);
    const accept = await postFixes(roster, tenant, ready.id, ['country_alpha2', 'phone_national']);
    expect(accept.statusCode).toBe(202);
    expect(accept.json().status).toBe('validating');
    const after = await waitForImport(roster, tenant, ready.id, ['ready']);
    expect(after.fix_counts).toEqual({ country_name: 3, status_synonym: 2 });
    expect(after.valid_rows).toBe(4);
    const rows = (await previewRows(roster, tenant, ready.id)).rows;
    expect(rows.find((row) => row.values.vendor_data === 'f-1')).toMatchObject({ action: 'create', values: { country: 'FRA' }, errors: [] });
    expect(rows.find((row) => row.values.vendor_data === 'f-6')!.values.phone).toBe('+33612345678');

    await postFixes(roster, tenant, ready.id, ['country_name', 'status_synonym']);
    const all = await waitForImport(roster, tenant, ready.id, ['ready']);
    expect(all).toMatchObject({ valid_rows: 9, invalid_rows: 2, fix_counts: {} });
    await startAndFinish(roster, tenant, ready.id);
    const users = new Map((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user]));
    expect([...users.keys()].sort()).toEqual(['f-1', 'f-10', 'f-11', 'f-2', 'f-3', 'f-4', 'f-6', 'f-7', 'f-9']);
    expect(['f-1', 'f-2', 'f-3', 'f-4'].map((id) => users.get(id)!.country)).toEqual(['FRA', 'FRA', 'GBR', 'ARE']);
    expect(users.get('f-7')!.phone).toBe('+33612345678');
    expect([users.get('f-9')!.status, users.get('f-10')!.status]).toEqual(['ACTIVE', 'BLOCKED']);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'details']).where('target_id', '=', ready.id).where('action', '=', 'import.fixes_accepted').orderBy('created_at').execute();
    expect(audit.map((entry) => (entry.details as { accepted: string[] }).accepted).sort()).toEqual([['country_alpha2', 'phone_national'], ['country_name', 'status_synonym']]);
  });

  it("uses the upload's default_region for national numbers on rows without a country", async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'vendor_data,phone\nr-1,020 7946 0958\n', { query: { default_region: 'GB' } });
    expect(ready).toMatchObject({ default_region: 'GB', fix_counts: { phone_national: 1 } });
    const bad = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, '?default_region=123'), headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'text/csv' }, payload: 'vendor_data\nx\n' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_parameter']);
  });

  it('refuses unknown fix kinds (422) and an import that is not ready (409)', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'vendor_data,country\nv-1,FR\n');
    const unknown = await postFixes(roster, tenant, ready.id, ['country_guess']);
    expect(unknown.statusCode).toBe(422);
    const waiting = await settledImport(roster, tenant, 'Customer\nc-1\n');
    expect((await postFixes(roster, tenant, waiting.id, ['country_alpha2'])).statusCode).toBe(409);
  });
});

describe('cell edits', () => {
  it('edits the staged row by header or field name, checks it again, moves the counts and audits import.row_edited', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'Vendor Data,E-mail,Country\ne-1,not-an-email,FRA\ne-2,ok@example.com,FRA\n');
    expect(ready).toMatchObject({ valid_rows: 1, invalid_rows: 1 });
    const edited = await patchRow(roster, tenant, ready.id, 1, { email: 'fixed@example.com' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toEqual({ row: 1, line: 2, values: { 'Vendor Data': 'e-1', 'E-mail': 'fixed@example.com', Country: 'FRA' }, action: 'create', errors: [] });
    const view = await waitForImport(roster, tenant, ready.id, ['ready']);
    expect(view).toMatchObject({ valid_rows: 2, invalid_rows: 0, to_create: 2 });

    const broken = await patchRow(roster, tenant, ready.id, 2, { Country: 'XX' });
    expect(broken.json()).toMatchObject({ action: 'skip', errors: [{ column: 'country', code: 'invalid_country' }] });
    const fixable = await patchRow(roster, tenant, ready.id, 2, { Country: 'FR' });
    expect(fixable.json()).toMatchObject({ action: 'skip', fixes: [{ column: 'Country', from: 'FR', to: 'FRA', code: 'country_alpha2' }] });
    expect((await waitForImport(roster, tenant, ready.id, ['ready'])).fix_counts).toEqual({ country_alpha2: 1 });
    const duplicate = await patchRow(roster, tenant, ready.id, 2, { 'Vendor Data': 'e-1', Country: 'FRA' });
    expect(duplicate.json()).toMatchObject({ action: 'skip', errors: [{ code: 'duplicate_vendor_data' }] });
    await patchRow(roster, tenant, ready.id, 2, { 'Vendor Data': 'e-2' });

    const entries = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'details', 'actor_id']).where('target_id', '=', ready.id).where('action', '=', 'import.row_edited').orderBy('created_at').execute();
    expect(entries).toHaveLength(5);
    expect(entries[0]).toMatchObject({ actor_id: tenant.operators.ADMIN.id, details: { row: 1, cells: { 'E-mail': 'fixed@example.com' }, before: { 'E-mail': 'not-an-email' } } });

    // The stored file is untouched; the edits live on in the staged rows and the run imports them.
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user.email, user.country])).toEqual([
      ['e-1', 'fixed@example.com', 'FRA'],
      ['e-2', 'ok@example.com', 'FRA'],
    ]);
  });

  it('refuses an unknown column (422), a missing row (404) and an import that is not ready (409)', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'vendor_data,email\nv-1,a@example.com\n');
    expect((await patchRow(roster, tenant, ready.id, 1, { nickname: 'x' })).json().error.code).toBe('unknown_column');
    expect((await patchRow(roster, tenant, ready.id, 9, { email: 'b@example.com' })).statusCode).toBe(404);
    const empty = await roster.app.inject({ method: 'PATCH', url: importsUrl(tenant, `/${ready.id}/rows/1`), headers: tenant.operators.ADMIN.auth, payload: { values: {} } });
    expect(empty.statusCode).toBe(422);
    await startAndFinish(roster, tenant, ready.id);
    expect((await patchRow(roster, tenant, ready.id, 1, { email: 'b@example.com' })).statusCode).toBe(409);
  });
});

describe('a staging table rebuilt from the stored file', () => {
  it('gets the mapping, accepted fixes and cell edits back (they live in logged tables)', async () => {
    const tenant = await fresh();
    const waiting = await settledImport(roster, tenant, 'Customer,Country,Mail\nc-1,FR,bad\nc-2,Spain,b@example.com\n');
    await putMapping(roster, tenant, waiting.id, { Customer: 'vendor_data' });
    await waitForImport(roster, tenant, waiting.id, ['ready']);
    await postFixes(roster, tenant, waiting.id, ['country_alpha2']);
    await waitForImport(roster, tenant, waiting.id, ['ready']);
    await patchRow(roster, tenant, waiting.id, 1, { Mail: 'a@example.com' });
    const before = await previewRows(roster, tenant, waiting.id);

    // What a database crash does to the unlogged staging table; then the rows are staged again from the file.
    await roster.ctx.db.deleteFrom('import_rows').where('import_id', '=', waiting.id).execute();
    await roster.ctx.db.updateTable('imports').set({ status: 'validating' }).where('id', '=', waiting.id).execute();
    await validateImport(roster.ctx, waiting.id, { signal: new AbortController().signal });
    const after = await previewRows(roster, tenant, waiting.id);
    expect(after).toEqual(before);
    expect(after.rows[0]).toMatchObject({ values: { Customer: 'c-1', Country: 'FRA', Mail: 'a@example.com' }, action: 'create' });

    // The run's own rebuild (staging-rebuild.ts) goes through the same staging, so it gets them back too.
    await roster.ctx.db.deleteFrom('import_rows').where('import_id', '=', waiting.id).execute();
    await rebuildStaging(roster.ctx, waiting.id, new AbortController().signal);
    expect(await previewRows(roster, tenant, waiting.id)).toEqual(before);
  });
});

describe('errors.csv', () => {
  it("uses the source file's separator", async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, 'vendor_data;email;country\ns-1;bad;FRA\ns-2;also bad;XX\n');
    const lines = (await errorsCsv(roster, tenant, ready.id)).trim().split('\r\n');
    expect(lines[0]).toBe('line;row;error_codes;errors;vendor_data;email;country');
    expect(lines[2]).toMatch(/^3;2;invalid_email,invalid_country;"email: .*; country: .*";s-2;also bad;XX$/);
  });

  it('uses a comma for JSON sources', async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, '[{"vendor_data": "j-1", "email": "bad"}]');
    expect((await errorsCsv(roster, tenant, ready.id)).split('\r\n')[0]).toBe('line,row,error_codes,errors,vendor_data,email');
  });
});
