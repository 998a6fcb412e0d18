import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../../test/harness.ts';
import type { ImportView } from '../imports.schemas.ts';
import { csvText, getImportView, importsUrl, previewOf, startAndFinish } from '../../../../test/support/imports.ts';

/** docs/import-ledger.md#revert: fields back where still the import's value, untouched created users deleted, the rest conflicts. */

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster({ ROSTER_IMPORT_CHUNK_ROWS: '3' });
  await roster.startWorker();
});
afterAll(async () => roster?.close());

async function api(tenant: TestTenant, method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) {
  const response = await roster.app.inject({ method, url, headers: tenant.keyAuth, payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

function revert(tenant: TestTenant, id: string, role: keyof TestTenant['operators'] = 'ADMIN') {
  return roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${id}/revert`), headers: tenant.operators[role].auth });
}

async function waitForRevert(tenant: TestTenant, id: string, timeoutMs = 30_000): Promise<ImportView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await getImportView(roster, tenant, id);
    if (view.revert_status === 'completed') return view;
    if (view.revert_status === 'failed' || Date.now() > deadline) throw new Error(`revert is ${view.revert_status}: ${JSON.stringify(view.revert_error)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('reverting an import', () => {
  it('restores, deletes and lists conflicts (changed, session, face since), once, audited per user', async () => {
    const tenant = await createTestTenant(roster.ctx);
    for (const vendorData of ['u-clean', 'u-changed', 'u-status']) await api(tenant, 'POST', '/v3/users/create/', { vendor_data: vendorData, email: `${vendorData}@old.com`, country: 'FRA' });
    const file = csvText([
      ['vendor_data', 'email', 'country', 'status', 'status_reason'],
      ['u-clean', 'u-clean@new.com', 'ESP', '', ''],
      ['u-changed', 'u-changed@new.com', 'ESP', '', ''],
      ['u-status', '', '', 'FLAGGED', 'Review'],
      ['c-clean', 'c-clean@new.com', '', '', ''],
      ['c-session', 'c-session@new.com', '', '', ''],
      ['c-face', 'c-face@new.com', '', '', ''],
      ['c-changed', 'c-changed@new.com', '', '', ''],
    ]);
    const ready = await previewOf(roster, tenant, file);
    const done = await startAndFinish(roster, tenant, ready.id);
    expect(done).toMatchObject({ created: 4, updated: 3 });

    // Changes after the import: each makes a conflict.
    await api(tenant, 'PATCH', '/v3/users/u-changed/', { email: 'someone@else.com' });
    await api(tenant, 'PATCH', '/v3/users/c-changed/', { display_name: 'Touched' });
    await api(tenant, 'POST', '/v3/users/c-session/sessions/', { session_id: 's-1', status: 'DECLINED' });
    const face = await roster.ctx.db.selectFrom('users').select('didit_internal_id').where('app_id', '=', tenant.appId).where('vendor_data', '=', 'c-face').executeTakeFirstOrThrow();
    await roster.ctx.db.insertInto('faces').values({ app_id: tenant.appId, user_id: face.didit_internal_id, storage_key: 'faces/x.jpg', content_type: 'image/jpeg', bytes: 1, uploaded_by: 'test' }).execute();

    const dryRun = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${ready.id}/revert-preview`), headers: tenant.operators.ADMIN.auth });
    expect(dryRun.json()).toEqual({ restore: 3, delete: 1, conflicts: 4 });

    expect((await revert(tenant, ready.id, 'READER')).statusCode).toBe(403);
    const other = await createTestTenant(roster.ctx);
    expect((await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/imports/${ready.id}/revert`, headers: other.operators.OWNER.auth })).statusCode).toBe(404);

    const requested = await revert(tenant, ready.id);
    expect(requested.statusCode).toBe(202);
    expect(requested.json().revert_status).toMatch(/queued|running|completed/);
    const reverted = await waitForRevert(tenant, ready.id);
    expect(reverted).toMatchObject({ reverted: 3, deleted: 1, conflicts: 4 });

    const users = Object.fromEntries((await roster.ctx.db.selectFrom('users').selectAll().where('app_id', '=', tenant.appId).execute()).map((user) => [user.vendor_data, user]));
    expect(users['u-clean']).toMatchObject({ email: 'u-clean@old.com', country: 'FRA' });
    // The changed field stays; the one still at the import's value goes back.
    expect(users['u-changed']).toMatchObject({ email: 'someone@else.com', country: 'FRA' });
    expect(users['u-status']).toMatchObject({ status: 'ACTIVE' });
    expect(users['c-clean']).toBeUndefined();
    expect(Object.keys(users).sort()).toEqual(['c-changed', 'c-face', 'c-session', 'u-changed', 'u-clean', 'u-status']);

    const report = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${ready.id}/revert-conflicts.csv`), headers: tenant.operators.ADMIN.auth });
    expect(report.statusCode).toBe(200);
    const lines = report.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('vendor_data,field,reason');
    expect(lines.slice(1).sort()).toEqual(['c-changed,,changed_since', 'c-face,,face_since', 'c-session,,session_since', 'u-changed,email,changed_since']);

    const again = await revert(tenant, ready.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_reverted');

    const auth = tenant.operators.OWNER.auth;
    const revertEntries = (await roster.app.inject({ method: 'GET', url: `/api/console/audit-logs?revert_of=${ready.id}`, headers: auth })).json().results;
    expect(revertEntries.map((entry: { action: string }) => entry.action).sort()).toEqual(['user.deleted', 'user.status_changed', 'user.updated', 'user.updated']);
    const statusEntry = revertEntries.find((entry: { action: string }) => entry.action === 'user.status_changed');
    expect(statusEntry.details).toMatchObject({ revert_of: ready.id, changes: { status: { from: 'FLAGGED', to: 'ACTIVE' } } });
    const line = (await roster.app.inject({ method: 'GET', url: '/api/console/audit-logs?action=import.reverted', headers: auth })).json().results[0];
    expect(line).toMatchObject({ details: { reverted: 3, deleted: 1, conflicts: 4 }, children: { count: 4, filter: { revert_of: ready.id } } });
  });

  it('refuses an import that has not ended or changed nothing', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, 'vendor_data\nonly-1\n');
    const early = await revert(tenant, ready.id);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('invalid_state');
  });
});
