import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, errorOf, tinyPng, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;
let userId: string;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
  await createdUser(roster, tenant, { vendor_data: 'c-ana', display_name: 'Ana', country: 'ESP', tags: ['vip'] });
  await createdUser(roster, tenant, { vendor_data: 'c-bo', display_name: 'Bo', country: 'SWE' });
  const user = await createdUser(roster, tenant, { vendor_data: 'c-cy', display_name: 'Cy', country: 'ESP' });
  userId = user.didit_internal_id;
  await usersApi(roster, tenant).uploadFace(userId, { image: tinyPng().toString('base64'), comment: 'selfie' });
});
afterAll(async () => {
  await roster?.close();
});

const asOperator = (role: keyof TestTenant['operators'], method: 'GET' | 'PATCH', url: string, payload?: Record<string, unknown>, who: TestTenant = tenant) =>
  roster.app.inject({ method, url, payload, headers: who.operators[role].auth });

describe('console users endpoints', () => {
  it('lists the application users with the same filters and paging as the API, for every role', async () => {
    for (const role of ['OWNER', 'READER', 'DEVELOPER'] as const) {
      const response = await asOperator(role, 'GET', `/api/console/apps/${tenant.appId}/users?country=ESP`);
      expect(response.statusCode).toBe(200);
      expect(response.json().results.map((user: { vendor_data: string }) => user.vendor_data)).toEqual(['c-cy', 'c-ana']);
    }
    const firstPage = (await asOperator('READER', 'GET', `/api/console/apps/${tenant.appId}/users?page_size=2`)).json();
    expect(firstPage.results).toHaveLength(2);
    const secondPage = (await asOperator('READER', 'GET', `/api/console/apps/${tenant.appId}/users?page_size=2&cursor=${firstPage.next}`)).json();
    expect(secondPage).toEqual({ results: [expect.objectContaining({ vendor_data: 'c-ana' })], next: null });
    expect(errorOf(await asOperator('READER', 'GET', `/api/console/apps/${tenant.appId}/users?page_size=500`)).code).toBe('invalid_parameter');
  });

  it('shows one user with its faces and working signed links to the roles that may read personal data', async () => {
    const response = await asOperator('COMPLIANCE_OFFICER', 'GET', `/api/console/apps/${tenant.appId}/users/${userId}`);
    expect(response.statusCode).toBe(200);
    const user = response.json();
    expect(user).toMatchObject({ didit_internal_id: userId, vendor_data: 'c-cy', effective_name: 'Cy', redacted: [] });
    expect(user.faces).toEqual([{ uuid: expect.any(String), image_url: expect.any(String), comment: 'selfie', uploaded_by: expect.stringMatching(/^api key /), created_at: expect.any(String) }]);
    const image = await roster.app.inject({ method: 'GET', url: user.faces[0].image_url.slice(roster.config.PUBLIC_URL.length) });
    expect(image.rawPayload.equals(tinyPng())).toBe(true);
  });

  // Issue #9 finding 4: on main READER and DEVELOPER read every personal field and the faces' links.
  it('withholds personal data and face links from DEVELOPER and READER, naming what was withheld, in the list and the detail', async () => {
    const personal = ['full_name', 'display_name', 'effective_name', 'date_of_birth', 'email', 'phone', 'metadata'];
    for (const role of ['DEVELOPER', 'READER'] as const) {
      const detail = (await asOperator(role, 'GET', `/api/console/apps/${tenant.appId}/users/${userId}`)).json();
      expect(detail).toMatchObject({ didit_internal_id: userId, vendor_data: 'c-cy', status: expect.any(String) });
      expect([...detail.redacted].sort()).toEqual([...personal].sort());
      for (const field of personal) expect(detail[field], `${role} ${field}`).toBeNull();
      expect(detail.faces).toEqual([{ uuid: expect.any(String), comment: 'selfie', uploaded_by: expect.stringMatching(/^api key /), created_at: expect.any(String) }]);
      const list = (await asOperator(role, 'GET', `/api/console/apps/${tenant.appId}/users`)).json();
      for (const user of list.results) {
        expect([...user.redacted].sort()).toEqual([...personal].sort());
        for (const field of personal) expect(user[field]).toBeNull();
      }
      // Filters and search still work: by name, on the full row.
      const found = (await asOperator(role, 'GET', `/api/console/apps/${tenant.appId}/users?search=Cy`)).json();
      expect(found.results.map((user: { vendor_data: string }) => user.vendor_data)).toEqual(['c-cy']);
    }
    const full = (await asOperator('ADMIN', 'GET', `/api/console/apps/${tenant.appId}/users`)).json();
    expect(full.results.every((user: { redacted: string[] }) => user.redacted.length === 0)).toBe(true);
  });

  it('lets compliance roles change a status, audited with the operator as actor', async () => {
    const response = await asOperator('COMPLIANCE_OFFICER', 'PATCH', `/api/console/apps/${tenant.appId}/users/${userId}/status`, { status: 'BLOCKED', reason: 'Sanctions list match' });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('BLOCKED');
    const [entry] = await roster.ctx.db.selectFrom('audit_logs').selectAll().where('action', '=', 'user.status_changed').where('target_id', '=', userId).execute();
    expect(entry).toMatchObject({ actor_type: 'operator', actor_id: tenant.operators.COMPLIANCE_OFFICER.id, actor_label: tenant.operators.COMPLIANCE_OFFICER.email, app_id: tenant.appId });
    expect(entry.details).toMatchObject({ from: 'ACTIVE', to: 'BLOCKED', reason: 'Sanctions list match' });
    expect(errorOf(await asOperator('OWNER', 'PATCH', `/api/console/apps/${tenant.appId}/users/${userId}/status`, { status: 'ACTIVE' })).code).toBe('missing_reason');
  });

  it('refuses status changes to DEVELOPER and READER with 403', async () => {
    for (const role of ['DEVELOPER', 'READER'] as const) {
      const response = await asOperator(role, 'PATCH', `/api/console/apps/${tenant.appId}/users/${userId}/status`, { status: 'FLAGGED', reason: 'x' });
      expect(response.statusCode).toBe(403);
      expect(errorOf(response).code).toBe('forbidden_role');
    }
  });

  it("hides another organization's application and users behind 404, and needs a credential", async () => {
    expect((await asOperator('OWNER', 'GET', `/api/console/apps/${tenant.appId}/users`, undefined, outsider)).statusCode).toBe(404);
    expect((await asOperator('OWNER', 'GET', `/api/console/apps/${tenant.appId}/users/${userId}`, undefined, outsider)).statusCode).toBe(404);
    expect((await asOperator('OWNER', 'PATCH', `/api/console/apps/${tenant.appId}/users/${userId}/status`, { status: 'ACTIVE', reason: 'x' }, outsider)).statusCode).toBe(404);
    expect((await asOperator('OWNER', 'GET', `/api/console/apps/${outsider.appId}/users/${userId}`, undefined, outsider)).statusCode).toBe(404);
    expect((await asOperator('OWNER', 'GET', `/api/console/apps/${tenant.appId}/users/not-a-uuid`)).statusCode).toBe(404);
    expect((await asOperator('OWNER', 'GET', `/api/console/apps/not-an-app/users`)).statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users` })).statusCode).toBe(401);
    // An API key is not a console credential.
    expect((await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users`, headers: tenant.keyAuth })).statusCode).toBe(401);
  });
});
