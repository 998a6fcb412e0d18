import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { findApiKey } from './auth.hooks.ts';
import { createApplication } from './tenancy.service.ts';

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const keysUrl = (appId = tenant.appId) => `/api/console/apps/${appId}/api-keys`;
/** A user no one created: an accepted key gets 404 from the users API, a refused one 401. */
const callUsersApi = (apiKey?: string) => roster.app.inject({ method: 'GET', url: '/v3/users/x/', headers: apiKey === undefined ? {} : { 'x-api-key': apiKey } });
const accepted = { statusCode: 404 };

async function createKey(name: string, appId = tenant.appId) {
  const response = await roster.app.inject({ method: 'POST', url: keysUrl(appId), headers: tenant.operators.OWNER.auth, payload: { name } });
  expect(response.statusCode).toBe(201);
  return response.json();
}

describe('API keys', () => {
  it('are created for an application and shown once, with a prefix to recognise them by', async () => {
    const created = await createKey('billing sync');
    expect(created).toEqual({
      id: expect.any(String),
      name: 'billing sync',
      prefix: created.api_key.slice(0, 10),
      created_at: expect.any(String),
      created_by: tenant.operators.OWNER.id,
      last_used_at: null,
      revoked_at: null,
      api_key: expect.stringMatching(/^rk_.{40,}$/),
    });
    expect(await callUsersApi(created.api_key)).toMatchObject(accepted);
    expect(await findApiKey(roster.ctx, created.api_key)).toMatchObject({ keyId: created.id, appId: tenant.appId, orgId: tenant.orgId });
    // last_used_at is written beside the request, not inside it.
    await vi.waitFor(async () => {
      const listed = (await roster.app.inject({ method: 'GET', url: keysUrl(), headers: tenant.operators.OWNER.auth })).json().results;
      expect(listed.find((key: { id: string }) => key.id === created.id).last_used_at).toEqual(expect.any(String));
    });

    const audit = await roster.ctx.db.selectFrom('audit_logs').selectAll().where('target_id', '=', created.id).execute();
    expect(audit).toMatchObject([{ action: 'api_key.created', app_id: tenant.appId, actor_id: tenant.operators.OWNER.id, details: { prefix: created.prefix, name: 'billing sync' } }]);
  });

  it('are listed newest first without the key itself', async () => {
    const first = await createKey('first');
    const second = await createKey('second');
    const response = await roster.app.inject({ method: 'GET', url: keysUrl(), headers: tenant.operators.ADMIN.auth });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.next).toBeNull();
    const ids = body.results.map((key: { id: string }) => key.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(Object.keys(body.results[0]).sort()).toEqual(['created_at', 'created_by', 'id', 'last_used_at', 'name', 'prefix', 'revoked_at']);
    expect(JSON.stringify(body)).not.toContain(second.api_key);
    // The key made by the CLI-side factory has no creating operator.
    expect(body.results.some((key: { created_by: string | null }) => key.created_by === null)).toBe(true);
  });

  it('stop working at once when revoked, even if just used, and answer 401 on the users API', async () => {
    const created = await createKey('to revoke');
    expect(await callUsersApi(created.api_key)).toMatchObject(accepted);
    const revoke = await roster.app.inject({ method: 'DELETE', url: `${keysUrl()}/${created.id}`, headers: tenant.operators.ADMIN.auth });
    expect(revoke.statusCode).toBe(204);

    const refused = await callUsersApi(created.api_key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_api_key');
    const listed = (await roster.app.inject({ method: 'GET', url: keysUrl(), headers: tenant.operators.ADMIN.auth })).json().results;
    expect(listed.find((key: { id: string }) => key.id === created.id).revoked_at).toEqual(expect.any(String));
  });

  it('can be revoked twice; the second time changes nothing and is not audited again', async () => {
    const created = await createKey('twice');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await roster.app.inject({ method: 'DELETE', url: `${keysUrl()}/${created.id}`, headers: tenant.operators.OWNER.auth })).statusCode).toBe(204);
    }
    const revocations = await roster.ctx.db.selectFrom('audit_logs').select('action').where('target_id', '=', created.id).where('action', '=', 'api_key.revoked').execute();
    expect(revocations).toHaveLength(1);
  });

  it('of another application are not found under this one, and keep working', async () => {
    const otherApp = await createApplication(roster.ctx.db, tenant.orgId, 'Second app');
    const otherKey = await createKey('other app', otherApp.id);
    const response = await roster.app.inject({ method: 'DELETE', url: `${keysUrl()}/${otherKey.id}`, headers: tenant.operators.OWNER.auth });
    expect(response.statusCode).toBe(404);
    expect(await callUsersApi(otherKey.api_key)).toMatchObject(accepted);
    expect(await findApiKey(roster.ctx, otherKey.api_key)).toMatchObject({ appId: otherApp.id });
    const listed = (await roster.app.inject({ method: 'GET', url: keysUrl(), headers: tenant.operators.OWNER.auth })).json().results;
    expect(listed.map((key: { id: string }) => key.id)).not.toContain(otherKey.id);
  });

  it('answer 404 for an unknown key or application', async () => {
    const unknownKey = await roster.app.inject({ method: 'DELETE', url: `${keysUrl()}/00000000-0000-4000-8000-000000000000`, headers: tenant.operators.OWNER.auth });
    expect(unknownKey.statusCode).toBe(404);
    const unknownApp = await roster.app.inject({ method: 'GET', url: keysUrl('00000000-0000-4000-8000-000000000000'), headers: tenant.operators.OWNER.auth });
    expect(unknownApp.statusCode).toBe(404);
    const malformedApp = await roster.app.inject({ method: 'GET', url: keysUrl('not-an-id'), headers: tenant.operators.OWNER.auth });
    expect(malformedApp.statusCode).toBe(404);
  });

  it('need a name', async () => {
    const response = await roster.app.inject({ method: 'POST', url: keysUrl(), headers: tenant.operators.OWNER.auth, payload: {} });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('validation_failed');
  });

  it('that were never issued are refused, and a missing key is told apart', async () => {
    expect((await callUsersApi('rk_made-up')).json().error.code).toBe('invalid_api_key');
    const missing = await callUsersApi();
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('missing_api_key');
  });
});
