import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../../test/harness.ts';
import type { UsersTable } from '../../../db/schema.ts';
import { csvText, getImportView, importsUrl, previewOf, previewRows, startAndFinish, usersOf, waitForImport } from '../../../../test/support/imports.ts';

let roster: TestRoster;

beforeAll(async () => {
  // Small chunks, so a run has many transactions to stop between.
  roster = await startTestRoster({ ROSTER_IMPORT_CHUNK_ROWS: '50' });
  await roster.startWorker();
});
afterAll(async () => roster?.close());

async function seedUsers(tenant: TestTenant, users: Omit<Insertable<UsersTable>, 'app_id'>[]): Promise<void> {
  await roster.ctx.db
    .insertInto('users')
    .values(users.map((user) => ({ ...user, app_id: tenant.appId, created_at: new Date('2026-01-01T00:00:00Z'), updated_at: new Date('2026-01-01T00:00:00Z') })))
    .execute();
}

describe('what a run writes', () => {
  it('creates new users, updates only the fields a row gives, and leaves unchanged rows untouched', async () => {
    const tenant = await createTestTenant(roster.ctx);
    await seedUsers(tenant, [
      { vendor_data: 'keep-1', display_name: 'Keep', email: 'old@example.com', phone: '+34600000001', tags: ['a'], metadata: JSON.stringify({ a: 1, b: 2 }) },
      { vendor_data: 'same-1', display_name: 'Same', email: 'same@example.com', status: 'FLAGGED', tags: ['x', 'y'], metadata: JSON.stringify({ z: 1 }) },
      // Verified by an approved session: full_name and date_of_birth belong to the verification, counters to sessions.
      { vendor_data: 'verified-1', display_name: 'Vee', full_name: 'Verified Name', date_of_birth: '1990-01-02', verified_at: new Date('2026-01-01T00:00:00Z'), session_count: 3, approved_count: 1, tags: [], metadata: '{}' },
      { vendor_data: 'verified-2', display_name: 'Old display', full_name: 'Verified Two', verified_at: new Date('2026-01-01T00:00:00Z'), session_count: 2, tags: [], metadata: '{}' },
    ]);
    const file = csvText([
      ['vendor_data', 'display_name', 'full_name', 'email', 'status', 'tags', 'metadata_json', 'status_reason'],
      // Empty display_name keeps "Keep"; metadata is replaced whole; phone is not a column, so it stays.
      ['keep-1', '', 'Kept Person', 'new@example.com', '', 'b, c', '{"c":3}', ''],
      ['same-1', 'Same', '', 'same@example.com', 'flagged', 'x,y', '{ "z" : 1.0 }', ''],
      // Only a verified full_name differs: ignored (with a warning, not an error), so nothing changes.
      ['verified-1', 'Vee', 'Someone Else', '', '', '', '', ''],
      ['verified-2', 'New display', 'Someone Else', '', 'BLOCKED', '', '', 'Fraud check'],
      ['new-1', 'Newbie', 'New Person', 'new1@example.com', '', '', '', ''],
    ]);
    const ready = await previewOf(roster, tenant, file);
    expect(ready).toMatchObject({ valid_rows: 5, invalid_rows: 0, to_create: 1, to_update: 2, unchanged: 2 });
    const preview = await previewRows(roster, tenant, ready.id);
    expect(preview.rows.map((row) => [row.values.vendor_data, row.action, row.errors])).toEqual([
      ['keep-1', 'update', []],
      ['same-1', 'unchanged', []],
      ['verified-1', 'unchanged', []],
      ['verified-2', 'update', []],
      ['new-1', 'create', []],
    ]);

    const startedAt = new Date();
    const done = await startAndFinish(roster, tenant, ready.id);
    expect(done).toMatchObject({ processed_rows: 5, created: 1, updated: 2, unchanged: 2, skipped: 0 });
    const users = Object.fromEntries((await usersOf(roster, tenant)).map((user) => [user.vendor_data, user]));
    expect(users['keep-1']).toMatchObject({ display_name: 'Keep', full_name: 'Kept Person', email: 'new@example.com', phone: '+34600000001', tags: ['b', 'c'], metadata: { c: 3 }, status: 'ACTIVE' });
    expect(users['keep-1']!.updated_at.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    expect(users['same-1']!.updated_at).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(users['verified-1']).toMatchObject({ full_name: 'Verified Name', date_of_birth: '1990-01-02', session_count: 3, approved_count: 1, updated_at: new Date('2026-01-01T00:00:00Z') });
    expect(users['verified-2']).toMatchObject({ display_name: 'New display', full_name: 'Verified Two', status: 'BLOCKED', session_count: 2 });
    expect(users['new-1']).toMatchObject({ display_name: 'Newbie', full_name: 'New Person', status: 'ACTIVE', tags: [], metadata: {}, session_count: 0, verified_at: null });

    // The same file again: everything is now as the file says.
    const again = await previewOf(roster, tenant, file);
    expect(again).toMatchObject({ to_create: 0, to_update: 0, unchanged: 5 });
    expect(await startAndFinish(roster, tenant, again.id)).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
  });

  it('counts again against the data as it is when the run happens', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, csvText([['vendor_data', 'display_name'], ['later-1', 'From file'], ['later-2', 'From file']]));
    expect(ready).toMatchObject({ to_create: 2 });
    // Between preview and run, one user appears exactly as the file has it, the other differently.
    await seedUsers(tenant, [
      { vendor_data: 'later-1', display_name: 'From file', tags: [], metadata: '{}' },
      { vendor_data: 'later-2', display_name: 'From the API', tags: [], metadata: '{}' },
    ]);
    const done = await startAndFinish(roster, tenant, ready.id);
    expect(done).toMatchObject({ to_create: 2, created: 0, updated: 1, unchanged: 1 });
    expect((await usersOf(roster, tenant)).map((user) => user.display_name)).toEqual(['From file', 'From file']);
  });
});

describe('when the staged rows are gone', () => {
  it('stages the stored file again and completes the run with exact counts', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, csvText([['vendor_data', 'email'], ...Array.from({ length: 120 }, (_, i) => [`lost-${i}`, i % 10 === 3 ? 'bad' : `l${i}@example.com`])]));
    // What a database crash does to the unlogged staging table.
    await roster.ctx.db.deleteFrom('import_rows').where('import_id', '=', ready.id).execute();
    await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.ADMIN.auth });
    const done = await waitForImport(roster, tenant, ready.id, ['completed']);
    expect(done).toMatchObject({ processed_rows: 120, created: 108, skipped: 12, failed: 0 });
    expect(await usersOf(roster, tenant)).toHaveLength(108);
  });

  it('fails the run with staging_lost when the stored file is gone too, applying nothing', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, csvText([['vendor_data'], ...Array.from({ length: 120 }, (_, i) => [`gone-${i}`])]));
    const stored = await roster.ctx.db.selectFrom('imports').select('storage_key').where('id', '=', ready.id).executeTakeFirstOrThrow();
    await roster.ctx.storage.delete(stored.storage_key);
    await roster.ctx.db.deleteFrom('import_rows').where('import_id', '=', ready.id).execute();
    await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.ADMIN.auth });
    const failed = await waitForImport(roster, tenant, ready.id, ['failed']);
    expect(failed).toMatchObject({ error: { code: 'staging_lost' }, processed_rows: 0, created: 0, failed: 120 });
    expect(await usersOf(roster, tenant)).toEqual([]);
  });
});

describe('cancelling', () => {
  it('stops a running import between chunks: committed chunks stay and the counts are exact', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const rows = Array.from({ length: 10_000 }, (_, i) => [`c-${String(i).padStart(5, '0')}`, `User ${i}`]);
    const ready = await previewOf(roster, tenant, csvText([['vendor_data', 'display_name'], ...rows]));
    await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.ADMIN.auth });
    let view = await getImportView(roster, tenant, ready.id);
    while (view.processed_rows === 0) view = await getImportView(roster, tenant, ready.id);
    const cancel = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/cancel`), headers: tenant.operators.ADMIN.auth });
    expect(cancel.statusCode).toBe(202);
    const cancelled = cancel.json();
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.processed_rows).toBeGreaterThan(0);
    expect(cancelled.processed_rows).toBeLessThan(10_000);
    expect(cancelled.processed_rows % 50).toBe(0);
    expect(cancelled.created).toBe(cancelled.processed_rows);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await getImportView(roster, tenant, ready.id)).toMatchObject({ status: 'cancelled', processed_rows: cancelled.processed_rows });
    expect(await usersOf(roster, tenant)).toHaveLength(cancelled.created);
  });

  it('cancels an import while it validates', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const rows = Array.from({ length: 20_000 }, (_, i) => [`v-${i}`, `+3460${String(i).padStart(7, '0')}`]);
    const upload = await roster.app.inject({ method: 'POST', url: importsUrl(tenant), headers: { ...tenant.operators.OWNER.auth, 'content-type': 'text/csv' }, payload: csvText([['vendor_data', 'phone'], ...rows]) });
    const cancel = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${upload.json().id}/cancel`), headers: tenant.operators.OWNER.auth });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json().status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await getImportView(roster, tenant, upload.json().id)).toMatchObject({ status: 'cancelled', valid_rows: 0, processed_rows: 0 });
    const staged = await roster.ctx.db.selectFrom('import_rows').select((eb) => eb.fn.countAll<number>().as('n')).where('import_id', '=', upload.json().id).executeTakeFirstOrThrow();
    expect(Number(staged.n)).toBe(0);
  });
});

describe('two imports at once', () => {
  it('both finish without a deadlock error, and every user ends as one of them wrote it', { timeout: 60_000 }, async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ids = Array.from({ length: 2_000 }, (_, i) => `shared-${String(i).padStart(4, '0')}`);
    // Half the users exist already; the other half both imports create.
    await seedUsers(tenant, ids.filter((_, i) => i % 2 === 0).map((vendor_data) => ({ vendor_data, display_name: 'Before', tags: [], metadata: '{}' })));
    const header = ['vendor_data', 'display_name', 'email', 'tags'];
    const fileA = csvText([header, ...ids.map((id) => [id, `A ${id}`, `a-${id}@example.com`, 'from-a'])]);
    // B names the same users in the opposite order, so its chunks meet A's from the other end.
    const fileB = csvText([header, ...[...ids].reverse().map((id) => [id, `B ${id}`, `b-${id}@example.com`, 'from-b'])]);
    const [a, b] = await Promise.all([previewOf(roster, tenant, fileA), previewOf(roster, tenant, fileB)]);
    await Promise.all([a, b].map((view) => roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${view.id}/start`), headers: tenant.operators.ADMIN.auth })));
    const [doneA, doneB] = await Promise.all([waitForImport(roster, tenant, a.id, ['completed'], 50_000), waitForImport(roster, tenant, b.id, ['completed'], 50_000)]);

    // One organization's runs take turns (docs/operations.md, "Fairness between organizations"), so the two
    // may or may not overlap; the locks in sorted order keep the outcome right either way.
    for (const done of [doneA, doneB]) {
      expect(done.failed).toBe(0);
      expect(done.created + done.updated + done.unchanged).toBe(2_000);
    }
    // Each new user was created by exactly one of them.
    expect(doneA.created + doneB.created).toBe(1_000);
    const users = await usersOf(roster, tenant);
    expect(users).toHaveLength(2_000);
    for (const user of users) {
      const writer = user.display_name!.slice(0, 1).toLowerCase();
      expect([writer, user.email, user.tags]).toEqual([writer, `${writer}-${user.vendor_data}@example.com`, [`from-${writer}`]]);
    }
  });
});
