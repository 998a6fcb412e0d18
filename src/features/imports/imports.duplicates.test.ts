import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { markDuplicateRows } from './staging/import-rows.repository.ts';
import { csvText, previewOf, previewRows, startAndFinish, usersOf } from '../../../test/support/imports.ts';
import { RepeatedKeys, vendorDataHash } from './validation/repeated-keys.ts';

/**
 * Repeated vendor_data are found while staging (a hash per row, repeated-keys.ts) and confirmed in
 * SQL on those rows only: the same rows flagged as one GROUP BY over the whole file flagged.
 */

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  // Two validation threads: batches of one file are checked on different threads.
  roster = await startTestRoster({ IMPORT_VALIDATION_THREADS: '2' });
  await roster.startWorker();
});
afterAll(async () => roster?.close());

describe('repeated vendor_data in a file', () => {
  it('flags repeats across batches and threads, counts them out of the forecast, and compares exactly (case, spaces)', async () => {
    tenant = await createTestTenant(roster.ctx);
    const created = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: { vendor_data: 'known-1', display_name: 'Before' } });
    expect(created.statusCode).toBe(201);
    const rows: string[][] = [['vendor_data', 'display_name', 'email']];
    // Over 512 KB, so the file goes through the validation threads in batches of 500 rows.
    for (let i = 1; i <= 20_000; i++) rows.push([`user-${String(i).padStart(6, '0')}`, `Name ${i} ${'x'.repeat(20)}`, `u${i}@example.com`]);
    rows[2] = ['dup-a', 'First A', 'not-an-email']; // an invalid first occurrence still wins
    rows[3] = ['known-1', 'After', ''];
    rows.push(['dup-a', 'Second A', 'a@example.com']); // far from the first: another batch, maybe another thread
    rows.push(['Dup-A', 'Other case', '']); // not the same vendor_data
    rows.push([' dup-a', 'Leading space', '']); // invalid_vendor_data, not a repeat
    rows.push(['known-1', 'Again', '']); // repeats an update: taken out of to_update
    rows.push(['user-010000', 'Middle again', '']);
    rows.push(['dup-a', 'Third A', '']);
    const ready = await previewOf(roster, tenant, csvText(rows));
    // 20,006 rows: dup-a ×3 (1 invalid first, 2 repeats), known-1 ×2 (update + repeat), user-010000 ×2, ' dup-a' invalid.
    expect(ready).toMatchObject({ status: 'ready', total_rows: 20_006, invalid_rows: 6, valid_rows: 20_000, to_update: 1, to_create: 19_999 });
    expect(ready.field_changes).toEqual({ display_name: 1 });
    const invalid = await previewRows(roster, tenant, ready.id, '?only=invalid&limit=100');
    expect(invalid.rows.map((row) => [row.row, row.values.vendor_data, row.errors.map((error) => error.code)])).toEqual([
      [2, 'dup-a', ['invalid_email']],
      [20_001, 'dup-a', ['duplicate_vendor_data']],
      [20_003, ' dup-a', ['invalid_vendor_data']],
      [20_004, 'known-1', ['duplicate_vendor_data']],
      [20_005, 'user-010000', ['duplicate_vendor_data']],
      [20_006, 'dup-a', ['duplicate_vendor_data']],
    ]);
    expect(invalid.rows[1]!.errors[0]!.message).toBe('vendor_data "dup-a" already appears on line 3 (row 2); the first occurrence wins');
    expect(invalid.rows[4]!.errors[0]!.message).toContain('line 10001 (row 10000)');
    await startAndFinish(roster, tenant, ready.id, 120_000);
    const users = await usersOf(roster, tenant);
    expect(users).toHaveLength(20_000);
    expect(users.filter((user) => ['Dup-A', 'known-1', 'user-010000'].includes(user.vendor_data)).map((user) => user.display_name)).toEqual(['Other case', 'After', 'Name 10000 xxxxxxxxxxxxxxxxxxxx']);
  });
});

describe('markDuplicateRows', () => {
  it('compares the strings themselves: rows whose hashes collided are flagged only when equal', async () => {
    const importId = randomUUID();
    const vendorData = ['a', 'b', 'a', 'b', 'c', 'b', null];
    for (const [index, value] of vendorData.entries()) {
      await roster.ctx.database.pool.query(`INSERT INTO import_rows (import_id, row, line, cells, vendor_data, action) VALUES ($1, $2, $3, '', $4, 'create')`, [importId, index + 1, index + 2, value]);
    }
    // As if every row had the same hash: each later row is a candidate beside row 1 ('a').
    const lost = await markDuplicateRows(roster.ctx.database.pool, importId, { rows: [2, 3, 4, 5, 6, 7], firstRows: [1, 1, 1, 1, 1, 1] });
    expect(lost.actions).toMatchObject({ create: 3 });
    const { rows } = await roster.ctx.database.pool.query<{ row: number; errors: { message: string }[] | null }>('SELECT row, errors FROM import_rows WHERE import_id = $1 ORDER BY row', [importId]);
    expect(rows.filter((row) => row.errors).map((row) => [row.row, row.errors![0]!.message])).toEqual([
      [3, 'vendor_data "a" already appears on line 2 (row 1); the first occurrence wins'],
      [4, 'vendor_data "b" already appears on line 3 (row 2); the first occurrence wins'],
      [6, 'vendor_data "b" already appears on line 3 (row 2); the first occurrence wins'],
    ]);
    expect(await markDuplicateRows(roster.ctx.database.pool, importId, { rows: [], firstRows: [] })).toMatchObject({ actions: { create: 0 }, modeSkipped: 0 });
  });
});

describe('RepeatedKeys', () => {
  it('names every later row with a hash seen before, beside the first row with it, as the table grows', () => {
    const keys = new RepeatedKeys();
    for (let row = 1; row <= 300_000; row++) keys.add(vendorDataHash(`id-${row}`), row);
    keys.add(vendorDataHash('id-7'), 300_001);
    keys.add(vendorDataHash('id-299999'), 300_002);
    keys.add(0, 300_003); // no vendor_data
    keys.add(vendorDataHash('id-7'), 300_004);
    const { rows, firstRows } = keys.candidates();
    // Hash collisions between distinct ids are possible (and harmless); the true repeats must be there.
    const pairs = rows.map((row, index) => [row, firstRows[index]]);
    expect(pairs).toEqual(expect.arrayContaining([[300_001, 7], [300_002, 299_999], [300_004, 7]]));
    expect(pairs.length).toBeLessThan(20);
    expect(vendorDataHash('Dup-A')).not.toBe(vendorDataHash('dup-a'));
  });
});
