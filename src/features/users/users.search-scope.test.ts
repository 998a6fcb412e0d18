// No oracle through search: DEVELOPER and READER search vendor_data alone (docs/roles.md), on the users list,
// its count and their exports, so no search tells them whether a hidden email or name exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import type { Role } from '../../db/schema.ts';
import { requestExportAs, seedUsers, waitForExport } from '../../../test/support/exports.ts';

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  await seedUsers(roster.ctx, tenant.appId, [
    { vendor_data: 'cust-1', email: 'pierre.jansen.4@mail-de.example', full_name: 'Pierre Jansen' },
    { vendor_data: 'cust-2', email: 'anna@mail-de.example', full_name: 'Anna Berg' },
    { vendor_data: 'mail-de-partner', email: 'ops@partner.example', full_name: 'Partner Ops' },
  ]);
}, 120_000);

afterAll(async () => {
  await roster?.close();
});

async function listed(role: Role, search: string): Promise<string[]> {
  const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users?search=${encodeURIComponent(search)}`, headers: tenant.operators[role].auth });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { results: { vendor_data: string }[] }).results.map((user) => user.vendor_data).sort();
}

async function counted(role: Role, search: string): Promise<number> {
  const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users/count?search=${encodeURIComponent(search)}`, headers: tenant.operators[role].auth });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { count: number }).count;
}

describe('search for roles that may not read personal data', () => {
  it('finds no one by a hidden email or name, on the list and its count (the reproduction)', async () => {
    for (const role of ['DEVELOPER', 'READER'] as Role[]) {
      expect(await listed(role, 'pierre.jansen.4@mail-de')).toEqual([]);
      expect(await listed(role, 'Jansen')).toEqual([]);
      // "@mail-de" would list everyone with such an address; only vendor_data matches now.
      expect(await listed(role, 'mail-de')).toEqual(['mail-de-partner']);
      expect(await counted(role, 'pierre.jansen.4@mail-de')).toBe(0);
      expect(await listed(role, 'cust-')).toEqual(['cust-1', 'cust-2']);
    }
  });

  it('still searches every field for the roles that read personal data', async () => {
    for (const role of ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'] as Role[]) {
      expect(await listed(role, 'pierre.jansen.4@mail-de')).toEqual(['cust-1']);
      expect(await counted(role, 'mail-de')).toBe(3);
    }
  });

  it('scopes a restricted export the same way, whatever the request says', async () => {
    const auth = tenant.operators.READER.auth;
    const requested = await requestExportAs(roster, auth, tenant.appId, { filters: { search: 'mail-de', search_scope: 'all' } });
    expect(requested.statusCode, JSON.stringify(requested.json)).toBe(202);
    const done = await waitForExport(roster, auth, tenant.appId, requested.json.id);
    expect(done.status).toBe('completed');
    expect(done.row_count).toBe(1);
    const full = await requestExportAs(roster, tenant.operators.COMPLIANCE_OFFICER.auth, tenant.appId, { filters: { search: 'mail-de' } });
    expect((await waitForExport(roster, tenant.operators.COMPLIANCE_OFFICER.auth, tenant.appId, full.json.id)).row_count).toBe(3);
  });
});
