import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function createToken(auth: Record<string, string>, name: string) {
  const response = await roster.app.inject({ method: 'POST', url: '/api/console/tokens', headers: auth, payload: { name } });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; name: string; created_at: string; token: string };
}

describe('console API tokens', () => {
  it('are created by any role for themselves, shown once, and work as a Bearer credential', async () => {
    const reader = tenant.operators.READER;
    const created = await createToken(reader.auth, 'laptop script');
    expect(created).toEqual({ id: expect.any(String), name: 'laptop script', created_at: expect.any(String), token: expect.stringMatching(/^rct_/) });

    const me = await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: bearer(created.token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().operator.id).toBe(reader.id);

    // last_used_at is written beside the request, not inside it.
    await vi.waitFor(async () => {
      const list = await roster.app.inject({ method: 'GET', url: '/api/console/tokens', headers: reader.auth });
      expect(list.statusCode).toBe(200);
      const listed = list.json().results.find((token: { id: string }) => token.id === created.id);
      expect(listed).toEqual({ id: created.id, name: 'laptop script', created_at: created.created_at, last_used_at: expect.any(String), revoked_at: null });
      expect(JSON.stringify(list.json())).not.toContain(created.token);
    });
  });

  it('list only the caller’s own tokens', async () => {
    const developer = tenant.operators.DEVELOPER;
    const own = await createToken(developer.auth, 'mine');
    const others = await createToken(tenant.operators.OWNER.auth, 'not yours');
    const ids = (await roster.app.inject({ method: 'GET', url: '/api/console/tokens', headers: developer.auth })).json().results.map((token: { id: string }) => token.id);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(others.id);
  });

  it('stop working as soon as they are revoked; revoking twice is fine and audited once', async () => {
    const admin = tenant.operators.ADMIN;
    const created = await createToken(admin.auth, 'to revoke');
    const revoke = () => roster.app.inject({ method: 'DELETE', url: `/api/console/tokens/${created.id}`, headers: admin.auth });
    expect((await revoke()).statusCode).toBe(204);

    const refused = await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: bearer(created.token) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_token');

    expect((await revoke()).statusCode).toBe(204);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'actor_id']).where('target_id', '=', created.id).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'token.created', actor_id: admin.id },
      { action: 'token.revoked', actor_id: admin.id },
    ]);
    const listed = (await roster.app.inject({ method: 'GET', url: '/api/console/tokens', headers: admin.auth })).json().results;
    expect(listed.find((token: { id: string }) => token.id === created.id).revoked_at).toEqual(expect.any(String));
  });

  it('can revoke the very token making the request', async () => {
    const officer = tenant.operators.COMPLIANCE_OFFICER;
    const created = await createToken(officer.auth, 'self-destruct');
    expect((await roster.app.inject({ method: 'DELETE', url: `/api/console/tokens/${created.id}`, headers: bearer(created.token) })).statusCode).toBe(204);
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: bearer(created.token) })).statusCode).toBe(401);
  });

  it('of someone else cannot be revoked: 404, and the token keeps working', async () => {
    const owners = await createToken(tenant.operators.OWNER.auth, 'owner script');
    const response = await roster.app.inject({ method: 'DELETE', url: `/api/console/tokens/${owners.id}`, headers: tenant.operators.ADMIN.auth });
    expect(response.statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: bearer(owners.token) })).statusCode).toBe(200);
    expect((await roster.app.inject({ method: 'DELETE', url: '/api/console/tokens/not-a-uuid', headers: tenant.operators.ADMIN.auth })).statusCode).toBe(404);
  });

  it('need a name', async () => {
    const response = await roster.app.inject({ method: 'POST', url: '/api/console/tokens', headers: tenant.operators.OWNER.auth, payload: { name: '  ' } });
    expect(response.statusCode).toBe(422);
  });

  it('are refused when unknown or when the Authorization header is not a Bearer token', async () => {
    const unknown = await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: bearer('rct_not-a-real-token') });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('invalid_token');
    const basic = await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().error.code).toBe('invalid_authorization');
  });
});
