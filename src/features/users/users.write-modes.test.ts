import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let api: ReturnType<typeof usersApi>;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  api = usersApi(roster, tenant);
});
afterAll(async () => roster?.close());

describe('PATCH /v3/users/{vendor_data}/ with tags_mode and metadata_mode (issue 20)', () => {
  it('replaces by default, merges or removes when asked, and the audit entry shows the whole change', async () => {
    await createdUser(roster, tenant, { vendor_data: 'p-1', tags: ['pep', 'high-risk'], metadata: { notes: 'VIP', tier: 'gold' } });
    const merged = await api.send('PATCH', '/v3/users/p-1/?metadata_mode=merge&tags_mode=merge', { metadata: { risk_score: 80 }, tags: ['migrated-2026'] });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ metadata: { notes: 'VIP', tier: 'gold', risk_score: 80 }, tags: ['pep', 'high-risk', 'migrated-2026'] });

    const removed = await api.send('PATCH', '/v3/users/p-1/?tags_mode=remove', { tags: ['pep'] });
    expect(removed.json().tags).toEqual(['high-risk', 'migrated-2026']);

    const replaced = await api.patch('p-1', { metadata: { only: true } });
    expect(replaced.json().metadata).toEqual({ only: true });

    const bad = await api.send('PATCH', '/v3/users/p-1/?metadata_mode=append', { metadata: {} });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    expect(bad.body).toContain('metadata_mode');
  });
});

describe('the smaller items of issue 20', () => {
  it('an unknown users-API filter answers 422 unknown_filter naming it, not everyone', async () => {
    const response = await api.list('updated_after=2026-01-01');
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'unknown_filter', message: expect.stringContaining('updated_after') });
    const console = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users?bogus=1`, headers: tenant.operators.ADMIN.auth });
    expect(console.statusCode).toBe(422);
    expect((await api.list('page_size=5')).statusCode).toBe(200);
  });

  it("a deletion keeps target_id and appears in the user's history", async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'gone-1' });
    expect((await api.remove({ vendor_data_list: ['gone-1'] })).json()).toEqual({ deleted: 1 });
    const history = await roster.app.inject({ method: 'GET', url: `/api/console/audit-logs?target_id=${user.didit_internal_id}`, headers: tenant.operators.OWNER.auth });
    expect(history.statusCode, history.body).toBe(200);
    const actions = (history.json() as { results: { action: string; target: { id: string } | null }[] }).results.map((entry) => [entry.action, entry.target?.id]);
    expect(actions).toContainEqual(['user.deleted', user.didit_internal_id]);
  });

  it('search finds a phone by its digits for roles that see it, never for DEVELOPER or READER', async () => {
    await createdUser(roster, tenant, { vendor_data: 'ph-1', phone: '+33612345678' });
    const listed = async (role: 'ADMIN' | 'COMPLIANCE_OFFICER' | 'DEVELOPER' | 'READER', search: string) => {
      const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users?search=${encodeURIComponent(search)}`, headers: tenant.operators[role].auth });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { results: { vendor_data: string }[] }).results.map((user) => user.vendor_data);
    };
    expect(await listed('ADMIN', '+33 6 12 34 56 78')).toEqual(['ph-1']);
    expect(await listed('COMPLIANCE_OFFICER', '06 12 34 56 78')).toEqual(['ph-1']);
    expect(await listed('DEVELOPER', '612345678')).toEqual([]);
    expect(await listed('READER', '612345678')).toEqual([]);
    expect((await api.list('search=612-345-678')).json().results.map((user: { vendor_data: string }) => user.vendor_data)).toEqual(['ph-1']);
  });
});
