import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { csvText, importsUrl, previewOf, previewRows, uploadCsv, waitForImport } from '../../../test/support/imports.ts';
import { rebuildStaging } from './staging/staging-rebuild.ts';

/** docs/import-ledger.md: per-user entries of an import, the diff before running, the status guard and the modes. */

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster({ ROSTER_IMPORT_CHUNK_ROWS: '50' });
  await roster.startWorker();
});
afterAll(async () => roster?.close());

async function apiCall(tenant: TestTenant, method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) {
  const response = await roster.app.inject({ method, url, headers: tenant.keyAuth, payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

async function start(tenant: TestTenant, id: string, body?: Record<string, unknown>) {
  return roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${id}/start`), headers: tenant.operators.ADMIN.auth, ...(body ? { payload: body } : {}) });
}

export async function history(tenant: TestTenant, userId: string, query = '') {
  const response = await roster.app.inject({ method: 'GET', url: `/api/console/audit-logs?target_id=${userId}${query}`, headers: tenant.operators.COMPLIANCE_OFFICER.auth });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { results: { id: string; action: string; details: Record<string, any>; actor: { label: string } }[]; next: string | null };
}

describe('the measured case: a two-column file unblocking a user blocked through the API', () => {
  it('needs a reason and consent, then writes a user.status_changed entry with the reason and the change', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const user = await apiCall(tenant, 'POST', '/v3/users/create/', { vendor_data: 'customer-0001', email: 'a@example.com' });
    await apiCall(tenant, 'PATCH', '/v3/users/customer-0001/update-status/', { status: 'BLOCKED', reason: 'Chargeback on order 1234' });

    const ready = await previewOf(roster, tenant, 'vendor_data,status\ncustomer-0001,active\n');
    expect(ready).toMatchObject({ to_update: 1, status_changes: [{ from: 'BLOCKED', to: 'ACTIVE', count: 1 }], field_changes: { status: 1 } });
    const [row] = (await previewRows(roster, tenant, ready.id)).rows;
    expect(row).toMatchObject({ action: 'update', changes: { status: { from: 'BLOCKED', to: 'ACTIVE' } } });

    const noReason = await start(tenant, ready.id);
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().error.code).toBe('status_reason_required');
    const noConsent = await start(tenant, ready.id, { reason: 'Chargeback refunded' });
    expect(noConsent.statusCode).toBe(422);
    expect(noConsent.json().error.code).toBe('unblock_not_confirmed');
    expect((await roster.ctx.db.selectFrom('users').select('status').where('didit_internal_id', '=', user.didit_internal_id).executeTakeFirstOrThrow()).status).toBe('BLOCKED');

    expect((await start(tenant, ready.id, { reason: 'Chargeback refunded', allow_unblock: true })).statusCode).toBe(202);
    const done = await waitForImport(roster, tenant, ready.id, ['completed']);
    expect(done).toMatchObject({ updated: 1, skipped: 0, reason: 'Chargeback refunded', allow_unblock: true });

    const entries = (await history(tenant, user.didit_internal_id)).results;
    expect(entries.map((entry) => entry.action)).toEqual(['user.status_changed', 'user.status_changed', 'user.created']);
    expect(entries[0]!.details).toMatchObject({ import_id: ready.id, file_name: 'import.csv', reason: 'Chargeback refunded', changes: { status: { from: 'BLOCKED', to: 'ACTIVE' } } });
    expect(entries[0]!.actor.label).toBe(tenant.operators.ADMIN.email);
    expect(entries[1]!.details).toMatchObject({ reason: 'Chargeback on order 1234', changes: { status: { from: 'ACTIVE', to: 'BLOCKED' } } });
    expect(entries[2]!.details.changes).toEqual({ email: { from: null, to: 'a@example.com' }, status: { from: null, to: 'ACTIVE' } });
  });
});

describe('status guard', () => {
  it('takes a reason per row from a status_reason column, and needs none for users the file creates', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const user = await apiCall(tenant, 'POST', '/v3/users/create/', { vendor_data: 'flag-me' });
    const ready = await previewOf(roster, tenant, csvText([['vendor_data', 'status', 'status_reason'], ['flag-me', 'FLAGGED', 'Document mismatch'], ['new-blocked', 'BLOCKED', '']]));
    expect(ready).toMatchObject({ to_create: 1, to_update: 1, status_changes: [{ from: 'ACTIVE', to: 'FLAGGED', count: 1 }] });
    expect((await start(tenant, ready.id)).statusCode).toBe(202);
    expect(await waitForImport(roster, tenant, ready.id, ['completed'])).toMatchObject({ created: 1, updated: 1 });
    const [entry] = (await history(tenant, user.didit_internal_id)).results;
    expect(entry).toMatchObject({ action: 'user.status_changed', details: { reason: 'Document mismatch', changes: { status: { from: 'ACTIVE', to: 'FLAGGED' } } } });
  });

  it('checks again at run time: a user blocked after the preview is skipped with unblock_not_confirmed', async () => {
    const tenant = await createTestTenant(roster.ctx);
    await apiCall(tenant, 'POST', '/v3/users/create/', { vendor_data: 'later-blocked' });
    await apiCall(tenant, 'POST', '/v3/users/create/', { vendor_data: 'stays-active' });
    const ready = await previewOf(roster, tenant, csvText([['vendor_data', 'status'], ['later-blocked', 'FLAGGED'], ['stays-active', 'FLAGGED']]));
    await apiCall(tenant, 'PATCH', '/v3/users/later-blocked/update-status/', { status: 'BLOCKED', reason: 'Fraud' });
    expect((await start(tenant, ready.id, { reason: 'Review' })).statusCode).toBe(202);
    expect(await waitForImport(roster, tenant, ready.id, ['completed'])).toMatchObject({ updated: 1, skipped: 1 });
    const rows = (await previewRows(roster, tenant, ready.id)).rows;
    expect(rows[0]).toMatchObject({ action: 'skip', errors: [{ code: 'unblock_not_confirmed' }] });
    const statuses = await roster.ctx.db.selectFrom('users').select(['vendor_data', 'status']).where('app_id', '=', tenant.appId).orderBy('vendor_data').execute();
    expect(statuses).toEqual([{ vendor_data: 'later-blocked', status: 'BLOCKED' }, { vendor_data: 'stays-active', status: 'FLAGGED' }]);
  });
});

describe('modes', () => {
  async function twoUsers(tenant: TestTenant) {
    await apiCall(tenant, 'POST', '/v3/users/create/', { vendor_data: 'old-1', display_name: 'Old' });
    return csvText([['vendor_data', 'display_name'], ['old-1', 'Renamed'], ['new-1', 'New']]);
  }

  it('create_only at upload: the forecast and the run skip existing users with code exists', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const file = await twoUsers(tenant);
    const uploaded = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, '?mode=create_only'), headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'text/csv' }, payload: file });
    expect(uploaded.statusCode).toBe(201);
    const ready = await waitForImport(roster, tenant, uploaded.json().id, ['ready']);
    expect(ready).toMatchObject({ mode: 'create_only', to_create: 1, to_update: 0, to_skip: 1, valid_rows: 2 });
    expect((await previewRows(roster, tenant, ready.id)).rows[0]).toMatchObject({ action: 'skip', errors: [{ code: 'exists' }] });
    expect((await start(tenant, ready.id)).statusCode).toBe(202);
    expect(await waitForImport(roster, tenant, ready.id, ['completed'])).toMatchObject({ mode: 'create_only', created: 1, updated: 0, skipped: 1 });
    const names = await roster.ctx.db.selectFrom('users').select(['vendor_data', 'display_name']).where('app_id', '=', tenant.appId).orderBy('vendor_data').execute();
    expect(names).toEqual([{ vendor_data: 'new-1', display_name: 'New' }, { vendor_data: 'old-1', display_name: 'Old' }]);
    const errors = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${ready.id}/errors.csv`), headers: tenant.operators.ADMIN.auth });
    expect(errors.body).toContain('exists');
  });

  it('update_only at start: unknown vendor_data skipped with not_found; the import keeps its mode', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, await twoUsers(tenant));
    expect(ready).toMatchObject({ mode: 'upsert', to_create: 1, to_update: 1 });
    expect((await start(tenant, ready.id, { mode: 'update_only' })).statusCode).toBe(202);
    expect(await waitForImport(roster, tenant, ready.id, ['completed'])).toMatchObject({ mode: 'update_only', created: 0, updated: 1, skipped: 1 });
    expect((await previewRows(roster, tenant, ready.id)).rows[1]).toMatchObject({ action: 'skip', errors: [{ code: 'not_found' }] });
  });

  it('a staging table rebuilt after a database crash shows what the run decided for chunks already applied (rows list, errors.csv)', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const uploaded = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, '?mode=create_only'), headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'text/csv' }, payload: await twoUsers(tenant) });
    const ready = await waitForImport(roster, tenant, uploaded.json().id, ['ready']);
    expect((await start(tenant, ready.id)).statusCode).toBe(202);
    await waitForImport(roster, tenant, ready.id, ['completed']);
    const errorsCsv = async () => (await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${ready.id}/errors.csv`), headers: tenant.operators.ADMIN.auth })).body;
    const outcome = async () => ({ skips: (await previewRows(roster, tenant, ready.id)).rows.map((row) => [row.action === 'skip', row.errors]), errors: await errorsCsv() });
    const before = await outcome();
    // old-1 skipped by the run (it exists), new-1 created by it.
    expect(before.skips).toEqual([[true, [expect.objectContaining({ code: 'exists' })]], [false, []]]);

    // What crash recovery does to the unlogged staging table, then the run's rebuild from the stored file:
    // checked again now, new-1 exists too, but the run created it and errors.csv must not list it.
    await roster.ctx.db.deleteFrom('import_rows').where('import_id', '=', ready.id).execute();
    await rebuildStaging(roster.ctx, ready.id, new AbortController().signal);
    expect(await outcome()).toEqual(before);
  });

  it('upsert creates and updates', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, await twoUsers(tenant));
    expect((await start(tenant, ready.id, { mode: 'upsert' })).statusCode).toBe(202);
    expect(await waitForImport(roster, tenant, ready.id, ['completed'])).toMatchObject({ created: 1, updated: 1, skipped: 0 });
  });

  it('refuses an unknown mode', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const response = await uploadCsv(roster, tenant, 'vendor_data\nx\n', { fileName: 'x.csv' });
    const bad = await start(tenant, response.json().id, { mode: 'replace_all' });
    expect(bad.statusCode).toBe(422);
  });
});

describe('diff before running', () => {
  it('shows each update as from → to, counts per field, and warns about a verified cell instead of dropping it silently', async () => {
    const tenant = await createTestTenant(roster.ctx);
    await roster.ctx.db
      .insertInto('users')
      .values([
        { app_id: tenant.appId, vendor_data: 'v-1', full_name: 'Verified Name', verified_at: new Date(), email: 'a@x.com', tags: ['a'], metadata: '{}' },
        { app_id: tenant.appId, vendor_data: 'v-2', email: 'b@x.com', country: 'FRA', tags: [], metadata: '{}' },
      ])
      .execute();
    const ready = await previewOf(roster, tenant, csvText([['vendor_data', 'full_name', 'email', 'country'], ['v-1', 'Someone Else', '', ''], ['v-2', '', 'b2@x.com', 'ESP']]));
    expect(ready).toMatchObject({ to_update: 1, unchanged: 1, field_changes: { email: 1, country: 1 }, status_changes: [] });
    expect(ready.warnings).toContainEqual(expect.objectContaining({ code: 'verified_field_ignored', column: 'full_name' }));
    const rows = (await previewRows(roster, tenant, ready.id)).rows as any[];
    expect(rows[0]).toMatchObject({ action: 'unchanged', warnings: [{ column: 'full_name', code: 'verified_field_ignored' }] });
    expect(rows[0].changes).toBeUndefined();
    expect(rows[1]).toMatchObject({ action: 'update', changes: { email: { from: 'b@x.com', to: 'b2@x.com' }, country: { from: 'FRA', to: 'ESP' } }, warnings: [] });
  });
});

describe('per-user entries', () => {
  it('records what the users API changed, from → to', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const user = await apiCall(tenant, 'POST', '/v3/users/create/', { vendor_data: 'api-1', email: 'a@x.com', tags: ['t'] });
    await apiCall(tenant, 'PATCH', '/v3/users/api-1/', { email: 'b@x.com', tags: ['t'] });
    const [updated] = (await history(tenant, user.didit_internal_id)).results;
    expect(updated).toMatchObject({ action: 'user.updated', details: { fields: ['email'], changes: { email: { from: 'a@x.com', to: 'b@x.com' } } } });
  });

  it("fold under the import's line in the organization's trail, listed by import and by user with paging", async () => {
    const tenant = await createTestTenant(roster.ctx);
    const rows = Array.from({ length: 120 }, (_, i) => [`f-${String(i).padStart(3, '0')}`, `f${i}@example.com`]);
    const ready = await previewOf(roster, tenant, csvText([['vendor_data', 'email'], ...rows]));
    expect((await start(tenant, ready.id)).statusCode).toBe(202);
    await waitForImport(roster, tenant, ready.id, ['completed']);
    const auth = tenant.operators.OWNER.auth;
    const top = (await roster.app.inject({ method: 'GET', url: '/api/console/audit-logs?limit=200', headers: auth })).json();
    expect(top.results.filter((entry: { action: string }) => entry.action.startsWith('user.'))).toEqual([]);
    const line = top.results.find((entry: { action: string }) => entry.action === 'import.completed');
    expect(line.children).toEqual({ count: 120, filter: { import_id: ready.id } });
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { results: { action: string; target: { id: string } }[]; next: string | null } = (await roster.app.inject({ method: 'GET', url: `/api/console/audit-logs?import_id=${ready.id}&limit=50${cursor ? `&cursor=${cursor}` : ''}`, headers: auth })).json();
      for (const entry of page.results) {
        expect(entry.action).toBe('user.created');
        seen.add(entry.target.id);
      }
      cursor = page.next;
    } while (cursor);
    expect(seen.size).toBe(120);
  });
});
