import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { csvText, importsUrl, previewOf, previewRows, startAndFinish, templateHeader, usersOf, waitForImport } from '../../../test/support/imports.ts';
import { buildXlsx } from '../../../test/xlsx-file.ts';
import { errorsCsv, postFixes, putMapping, settledImport } from '../../../test/support/import-mapping.ts';

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

/** Three users with notes, names and tags, as a migration left them. */
async function seeded(): Promise<TestTenant> {
  const tenant = await createTestTenant(roster.ctx);
  const metadata = (n: number) => JSON.stringify({ notes: n === 1 ? 'VIP' : 'ok', first_name: `F${n}`, last_name: `L${n}` });
  const file = csvText([templateHeader, ...[1, 2, 3].map((n) => [`u-${n}`, '', '', '', '', '', '', 'pep,high-risk', metadata(n)])]);
  const first = await previewOf(roster, tenant, file);
  await startAndFinish(roster, tenant, first.id);
  return tenant;
}

const backfill = 'vendor_data,risk_score,segment\nu-1,80,sme\nu-2,102.0,retail\nu-3,12,sme\n';
const backfillMapping = { risk_score: 'metadata.risk_score', segment: 'metadata.segment' };

/** Uploads the backfill, maps its two columns to metadata keys and waits for the preview. */
async function mappedBackfill(tenant: TestTenant, query = '') {
  const upload = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, query), headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'text/csv' }, payload: backfill });
  expect(upload.statusCode).toBe(201);
  await waitForImport(roster, tenant, upload.json().id, ['ready']);
  expect((await putMapping(roster, tenant, upload.json().id, backfillMapping)).statusCode).toBe(200);
  return waitForImport(roster, tenant, upload.json().id, ['ready']);
}

describe('a metadata backfill (issue 20, measured 1)', () => {
  it('merges by default: keys the file does not name survive, the preview shows each key', async () => {
    const tenant = await seeded();
    const ready = await mappedBackfill(tenant);
    expect(ready).toMatchObject({ metadata_mode: 'merge', to_update: 3, removals: {} });
    expect(ready.field_changes).toMatchObject({ metadata: 3, 'metadata.risk_score': 3, 'metadata.segment': 3 });
    expect(ready.field_changes['metadata.notes']).toBeUndefined();
    expect(ready.warnings.map((warning) => warning.code)).not.toContain('removes_metadata_keys');
    const rows = await previewRows(roster, tenant, ready.id);
    const changes = (rows.rows[0] as unknown as { changes: Record<string, unknown> }).changes;
    expect(changes['metadata.risk_score']).toEqual({ from: null, to: '80' });
    expect(changes['metadata.notes']).toBeUndefined();

    await startAndFinish(roster, tenant, ready.id);
    const users = await usersOf(roster, tenant);
    // CSV cells stay text: 102.0 is not made a number.
    expect(users.map((user) => user.metadata)).toEqual([
      { notes: 'VIP', first_name: 'F1', last_name: 'L1', risk_score: '80', segment: 'sme' },
      { notes: 'ok', first_name: 'F2', last_name: 'L2', risk_score: '102.0', segment: 'retail' },
      { notes: 'ok', first_name: 'F3', last_name: 'L3', risk_score: '12', segment: 'sme' },
    ]);
  });

  it('replace, when asked, shows every removed key and warns above Start', async () => {
    const tenant = await seeded();
    const ready = await mappedBackfill(tenant, '?metadata_mode=replace');
    expect(ready.metadata_mode).toBe('replace');
    expect(ready.removals).toEqual({ metadata: { users: 3, keys: { notes: 3, first_name: 3, last_name: 3 } } });
    expect(ready.field_changes).toMatchObject({ 'metadata.notes': 3 });
    const warning = ready.warnings.find((w) => w.code === 'removes_metadata_keys');
    expect(warning?.message).toContain('removes 3 metadata keys (first_name, last_name, notes) from 3 users');
    const rows = await previewRows(roster, tenant, ready.id);
    const changes = (rows.rows[0] as unknown as { changes: Record<string, unknown> }).changes;
    expect(changes['metadata.notes']).toEqual({ from: 'VIP', to: null, removed: true });

    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant))[0]!.metadata).toEqual({ risk_score: '80', segment: 'sme' });
  });

  it('PUT …/options switches the mode and the preview follows', async () => {
    const tenant = await seeded();
    const ready = await mappedBackfill(tenant, '?metadata_mode=replace');
    const put = await roster.app.inject({ method: 'PUT', url: importsUrl(tenant, `/${ready.id}/options`), headers: tenant.operators.ADMIN.auth, payload: { metadata_mode: 'merge' } });
    expect(put.statusCode).toBe(200);
    const again = await waitForImport(roster, tenant, ready.id, ['ready']);
    expect(again).toMatchObject({ metadata_mode: 'merge', removals: {} });
    const bad = await roster.app.inject({ method: 'PUT', url: importsUrl(tenant, `/${ready.id}/options`), headers: tenant.operators.ADMIN.auth, payload: { metadata_mode: 'sideways' } });
    expect(bad.statusCode).toBe(422);
  });
});

describe('tags by file (issue 20, measured 2)', () => {
  const tagFile = 'vendor_data,tags\nu-1,migrated-2026\nu-2,migrated-2026\n';

  it('merge adds the tag, keeping the others; replace warns of what it removes', async () => {
    const tenant = await seeded();
    const replace = await previewOf(roster, tenant, tagFile);
    expect(replace.tags_mode).toBe('replace');
    expect(replace.warnings.find((w) => w.code === 'removes_tags')?.message).toContain('removes 2 tags (high-risk, pep) from 2 users');
    await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${replace.id}/cancel`), headers: tenant.operators.ADMIN.auth });

    const merge = await settledImport(roster, tenant, tagFile, { query: { tags_mode: 'merge' } });
    expect(merge).toMatchObject({ tags_mode: 'merge', removals: {}, to_update: 2 });
    expect(merge.field_changes).toMatchObject({ tags: 2, 'tags.+migrated-2026': 2 });
    const rows = await previewRows(roster, tenant, merge.id);
    expect((rows.rows[0] as unknown as { changes: Record<string, unknown> }).changes.tags).toEqual({
      from: ['pep', 'high-risk'],
      to: ['pep', 'high-risk', 'migrated-2026'],
      added: ['migrated-2026'],
      removed: [],
    });
    await startAndFinish(roster, tenant, merge.id);
    expect((await usersOf(roster, tenant)).map((user) => user.tags)).toEqual([
      ['pep', 'high-risk', 'migrated-2026'],
      ['pep', 'high-risk', 'migrated-2026'],
      ['pep', 'high-risk'],
    ]);
  });

  it('remove takes one tag away and leaves the rest in order', async () => {
    const tenant = await seeded();
    const remove = await settledImport(roster, tenant, 'vendor_data,tags\nu-1,pep\nu-9,pep\n', { query: { tags_mode: 'remove' } });
    expect(remove).toMatchObject({ tags_mode: 'remove', to_update: 1, to_create: 1, removals: {} });
    expect(remove.field_changes).toMatchObject({ 'tags.-pep': 1 });
    await startAndFinish(roster, tenant, remove.id);
    const users = await usersOf(roster, tenant);
    expect(users.map((user) => [user.vendor_data, user.tags])).toEqual([
      ['u-1', ['high-risk']],
      ['u-2', ['pep', 'high-risk']],
      ['u-3', ['pep', 'high-risk']],
      ['u-9', []],
    ]);
  });
});

describe('keep the good cells (issue 20, measured 3)', () => {
  it('clear_cell imports the Auth0-like row without its bad UK phone, listed in the row and in errors.csv', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const file = 'vendor_data,email,phone,country\na-1,ana@example.com,07700 900123,GBR\na-2,bo@example.com,+33612345678,FRA\n,nokey@example.com,,FRA\n';
    const skipped = await previewOf(roster, tenant, file);
    expect(skipped).toMatchObject({ invalid_cells: 'skip_row', valid_rows: 1, invalid_rows: 2 });
    await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${skipped.id}/cancel`), headers: tenant.operators.ADMIN.auth });

    const ready = await settledImport(roster, tenant, file, { query: { invalid_cells: 'clear_cell' } });
    expect(ready).toMatchObject({ invalid_cells: 'clear_cell', valid_rows: 2, invalid_rows: 1, cells_cleared: 1 });
    const warned = await previewRows(roster, tenant, ready.id, '?only=warnings');
    expect(warned.total).toBe(1);
    expect((warned.rows[0] as unknown as { warnings: { column: string; code: string }[] }).warnings).toEqual([expect.objectContaining({ column: 'phone', code: 'cell_cleared' })]);
    const report = await errorsCsv(roster, tenant, ready.id);
    expect(report).toContain('cell_cleared');
    expect(report).toContain('07700 900123');
    expect(report).toContain('missing_vendor_data');

    await startAndFinish(roster, tenant, ready.id);
    const users = await usersOf(roster, tenant);
    expect(users.map((user) => [user.vendor_data, user.email, user.phone])).toEqual([
      ['a-1', 'ana@example.com', null],
      ['a-2', 'bo@example.com', '+33612345678'],
    ]);
  });
});

describe('types and dates (issue 20, measured 4)', () => {
  it('NDJSON keeps booleans, numbers and nulls in metadata; a JSON string stays a string', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const file = '{"vendor_data":"n-1","email_verified":true,"logins_count":128,"note":null,"code":"128"}\n{"vendor_data":"n-2","email_verified":false,"logins_count":3.5,"code":"007"}\n';
    const waiting = await settledImport(roster, tenant, file);
    const mapping = { email_verified: 'metadata.email_verified', logins_count: 'metadata.logins_count', note: 'metadata.note', code: 'metadata.code' };
    expect((await putMapping(roster, tenant, waiting.id, mapping)).statusCode).toBe(200);
    const ready = await waitForImport(roster, tenant, waiting.id, ['ready']);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => user.metadata)).toEqual([
      { email_verified: true, logins_count: 128, note: null, code: '128' },
      { email_verified: false, logins_count: 3.5, code: '007' },
    ]);
  });

  it('CSV cells stay their text unless the mapping gives a type; a bad typed cell is an error of that key', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const file = 'vendor_data,payload,score,amount,vip,signed_up\nc-1,"{""a"":1}",102.0,102.0,yes,1589212345000\nc-2,[1],7,seven,no,2024-02-05\n';
    const waiting = await settledImport(roster, tenant, file, { query: { invalid_cells: 'clear_cell' } });
    const mapping = { payload: 'metadata.payload', score: 'metadata.score', amount: 'metadata.amount:number', vip: 'metadata.vip:boolean', signed_up: 'metadata.signed_up:date' };
    expect((await putMapping(roster, tenant, waiting.id, mapping)).statusCode).toBe(200);
    const ready = await waitForImport(roster, tenant, waiting.id, ['ready']);
    expect(ready).toMatchObject({ valid_rows: 2, cells_cleared: 1 });
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant)).map((user) => user.metadata)).toEqual([
      { payload: '{"a":1}', score: '102.0', amount: 102, vip: true, signed_up: '2020-05-11T15:52:25.000Z' },
      { payload: '[1]', score: '7', vip: false, signed_up: '2024-02-05' },
    ]);
  });

  it('an xlsx date cell arrives as an ISO date, not a serial number', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const workbook = buildXlsx([
      ['vendor_data', 'signed_up', 'plain'],
      ['x-1', { date: 45809 }, 45809],
    ]);
    const waiting = await settledImport(roster, tenant, workbook, { fileName: 'users.xlsx' });
    expect((await putMapping(roster, tenant, waiting.id, { signed_up: 'metadata.signed_up', plain: 'metadata.plain' })).statusCode).toBe(200);
    const ready = await waitForImport(roster, tenant, waiting.id, ['ready']);
    await startAndFinish(roster, tenant, ready.id);
    expect((await usersOf(roster, tenant))[0]!.metadata).toEqual({ signed_up: '2025-06-01', plain: '45809' });
  });
});

describe('less repetition (issue 20, measured 5)', () => {
  it('fix kinds accepted on one file apply to the next file of the application', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const first = await settledImport(roster, tenant, 'vendor_data,country\nr-1,FR\n');
    expect(first.fix_counts).toEqual({ country_alpha2: 1 });
    expect((await postFixes(roster, tenant, first.id, ['country_alpha2'])).statusCode).toBe(202);
    expect(await waitForImport(roster, tenant, first.id, ['ready'])).toMatchObject({ valid_rows: 1, fix_counts: {} });
    const second = await settledImport(roster, tenant, 'vendor_data,email,country\nr-2,r2@example.com,ES\n');
    expect(second).toMatchObject({ valid_rows: 1, invalid_rows: 0, fix_counts: {} });
    await startAndFinish(roster, tenant, second.id);
    expect((await usersOf(roster, tenant)).map((user) => user.country)).toEqual(['ESP']);
  });

  it('a saved mapping applies column by column to a file with one more column', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const first = await settledImport(roster, tenant, 'Customer,Mail\nc-1,c1@example.com\n');
    expect(first.status).toBe('needs_mapping');
    expect((await putMapping(roster, tenant, first.id, { Customer: 'vendor_data' })).statusCode).toBe(200);
    await waitForImport(roster, tenant, first.id, ['ready']);
    const second = await settledImport(roster, tenant, 'Customer,Mail,Tier\nc-2,c2@example.com,gold\n');
    expect(second).toMatchObject({ status: 'ready', valid_rows: 1 });
    expect(second.columns.find((column) => column.source === 'Customer')).toMatchObject({ field: 'vendor_data', how: 'saved' });
  });
});
