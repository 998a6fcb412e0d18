import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { auditActions, download, requestExportAs, seedUsers, waitForExport } from '../../../test/support/exports.ts';

/**
 * Issue #9 finding 12: on main an export link kept working after its requester was removed or lost the
 * role the columns need. A download now checks the requester as they are now, and an OWNER can revoke it.
 */

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  await seedUsers(roster.ctx, tenant.appId, [{ vendor_data: 'u-1', email: 'one@example.com' }]);
});
afterAll(async () => {
  await roster?.close();
});

async function completedExportBy(team: TestTenant, role: 'ADMIN' | 'COMPLIANCE_OFFICER' | 'DEVELOPER', body: Record<string, unknown> = {}) {
  const auth = team.operators[role].auth;
  const { statusCode, json } = await requestExportAs(roster, auth, team.appId, body);
  expect(statusCode).toBe(202);
  const done = await waitForExport(roster, auth, team.appId, json.id);
  expect(done.status).toBe('completed');
  expect((await download(roster, done.download_url!)).statusCode).toBe(200);
  return done;
}

describe('an export download link', () => {
  it('stops working when its requester is removed from the organization', async () => {
    const done = await completedExportBy(tenant, 'COMPLIANCE_OFFICER');
    const removed = await roster.app.inject({ method: 'DELETE', url: `/api/console/operators/${tenant.operators.COMPLIANCE_OFFICER.id}`, headers: tenant.operators.OWNER.auth });
    expect(removed.statusCode).toBe(204);
    const response = await download(roster, done.download_url!);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('requester_removed');
    const head = await roster.app.inject({ method: 'HEAD', url: new URL(done.download_url!).pathname + new URL(done.download_url!).search });
    expect(head.statusCode).toBe(403);
  });

  it('stops working when its requester’s role no longer allows its personal-data columns, and works again if the role comes back', async () => {
    const team = await createTestTenant(roster.ctx);
    await seedUsers(roster.ctx, team.appId, [{ vendor_data: 'u-2', email: 'two@example.com' }]);
    const done = await completedExportBy(team, 'ADMIN');
    const demote = (role: string) => roster.app.inject({ method: 'PATCH', url: `/api/console/operators/${team.operators.ADMIN.id}`, headers: team.operators.OWNER.auth, payload: { role } });
    expect((await demote('READER')).statusCode).toBe(200);
    const response = await download(roster, done.download_url!);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('requester_not_allowed');
    expect((await demote('ADMIN')).statusCode).toBe(200);
    expect((await download(roster, done.download_url!)).statusCode).toBe(200);
  });

  it('keeps working for a restricted export whose columns the requester’s new role still allows', async () => {
    const team = await createTestTenant(roster.ctx);
    const done = await completedExportBy(team, 'DEVELOPER');
    expect((await roster.app.inject({ method: 'PATCH', url: `/api/console/operators/${team.operators.DEVELOPER.id}`, headers: team.operators.OWNER.auth, payload: { role: 'READER' } })).statusCode).toBe(200);
    expect((await download(roster, done.download_url!)).statusCode).toBe(200);
  });

  it('can be revoked by an OWNER (only): it stops working at once, shows revoked_at, and the revocation is audited', async () => {
    const team = await createTestTenant(roster.ctx);
    const done = await completedExportBy(team, 'ADMIN');
    const revokeUrl = `/api/console/apps/${team.appId}/exports/${done.id}/revoke`;
    for (const role of ['ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'] as const) {
      const refused = await roster.app.inject({ method: 'POST', url: revokeUrl, headers: team.operators[role].auth });
      expect(refused.statusCode, role).toBe(403);
    }
    expect((await download(roster, done.download_url!)).statusCode).toBe(200);
    const revoked = await roster.app.inject({ method: 'POST', url: revokeUrl, headers: team.operators.OWNER.auth });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: done.id, revoked_at: expect.any(String), download_url: null });
    const response = await download(roster, done.download_url!);
    expect(response.statusCode).toBe(410);
    expect(response.json().error.code).toBe('export_revoked');
    // Idempotent, audited once.
    expect((await roster.app.inject({ method: 'POST', url: revokeUrl, headers: team.operators.OWNER.auth })).statusCode).toBe(200);
    const actions = (await auditActions(roster.ctx, team.orgId, done.id)).map((entry: { action: string }) => entry.action);
    expect(actions.filter((action: string) => action === 'export.revoked')).toHaveLength(1);
    // Another organization's OWNER cannot reach it.
    const other = await createTestTenant(roster.ctx);
    expect((await roster.app.inject({ method: 'POST', url: revokeUrl, headers: other.operators.OWNER.auth })).statusCode).toBe(404);
  });
});
