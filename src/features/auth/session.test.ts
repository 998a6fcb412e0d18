import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { registerErrorHandling } from '../../http/errors.ts';
import { requireOperator, SESSION_COOKIE } from './auth.hooks.ts';
import { hashSecret } from './credentials.ts';

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

async function signIn(email: string, password: string, options: { ip?: string; origin?: string } = {}) {
  return roster.app.inject({
    method: 'POST',
    url: '/api/console/session',
    payload: { email, password },
    remoteAddress: options.ip ?? '127.0.0.1',
    headers: options.origin ? { origin: options.origin } : {},
  });
}

async function sessionCookieOf(email: string, password: string): Promise<string> {
  const response = await signIn(email, password);
  expect(response.statusCode).toBe(200);
  return response.cookies.find((entry) => entry.name === SESSION_COOKIE)!.value;
}

async function auditActions(orgId: string, operatorId: string) {
  const rows = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'outcome', 'details', 'ip']).where('org_id', '=', orgId).where('target_id', '=', operatorId).orderBy('id').execute();
  return rows;
}

describe('signing in to the console', () => {
  it('answers the operator and organization and sets an HttpOnly, SameSite=Lax session cookie for the whole site', async () => {
    const owner = tenant.operators.OWNER;
    const response = await signIn(owner.email.toUpperCase(), owner.password);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      operator: { id: owner.id, email: owner.email, name: expect.any(String), role: 'OWNER' },
      organization: { id: tenant.orgId, name: expect.any(String) },
    });
    const sessionCookie = response.cookies.find((entry) => entry.name === SESSION_COOKIE)!;
    expect(sessionCookie).toMatchObject({ path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(sessionCookie.secure).toBeFalsy();
  });

  it('keeps only a hash of the session secret, with an expiry about 12 hours ahead', async () => {
    const reader = tenant.operators.READER;
    const secret = await sessionCookieOf(reader.email, reader.password);
    const stored = await roster.ctx.db.selectFrom('operator_sessions').selectAll().where('operator_id', '=', reader.id).execute();
    expect(stored.map((row) => row.token_hash.toString('hex'))).toContain(hashSecret(secret).toString('hex'));
    expect(stored.some((row) => row.token_hash.toString('utf8').includes(secret))).toBe(false);
    const expiresIn = stored[stored.length - 1].expires_at.getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(11.9 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(12 * 3600_000);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const httpsApp = await buildApp({ ...roster.ctx, config: { ...roster.ctx.config, PUBLIC_URL: 'https://roster.example.com' } });
    try {
      const owner = tenant.operators.OWNER;
      const response = await httpsApp.inject({ method: 'POST', url: '/api/console/session', payload: { email: owner.email, password: owner.password } });
      expect(response.statusCode).toBe(200);
      expect(response.cookies.find((entry) => entry.name === SESSION_COOKIE)!.secure).toBe(true);
    } finally {
      await httpsApp.close();
    }
  });

  it('lets the session cookie call the console API, and /me tells the role’s permissions and the applications', async () => {
    const officer = tenant.operators.COMPLIANCE_OFFICER;
    const secret = await sessionCookieOf(officer.email, officer.password);
    const response = await roster.app.inject({ method: 'GET', url: '/api/console/me', cookies: { [SESSION_COOKIE]: secret } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      operator: { id: officer.id, email: officer.email, name: expect.any(String), role: 'COMPLIANCE_OFFICER' },
      organization: { id: tenant.orgId, name: expect.any(String) },
      applications: [{ id: tenant.appId, name: expect.any(String), created_at: expect.any(String) }],
      permissions: [
        'users.read', 'users.write', 'imports.manage', 'exports.request', 'exports.personal_data', 'audit.read',
        'users.erase', 'users.read_held_record', 'privacy.access_packages', 'privacy.settings',
      ],
    });
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const wrongPassword = await signIn(tenant.operators.ADMIN.email, 'not-the-password');
    const unknownEmail = await signIn('nobody-at-all@example.com', 'whatever-password');
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json().error.code).toBe('invalid_credentials');
    expect(wrongPassword.cookies).toHaveLength(0);
  });

  it('audits a sign-in and a failed sign-in on an operator’s email, with the address, but nothing for an unknown email', async () => {
    const developer = tenant.operators.DEVELOPER;
    await signIn('nobody-else@example.com', 'whatever-password');
    await signIn(developer.email, 'wrong-password', { ip: '10.1.2.3' });
    // The failure is written beside the answer (so it takes no longer than for an unknown email).
    await vi.waitFor(async () => expect((await auditActions(tenant.orgId, developer.id)).map((entry) => entry.action)).toContain('operator.login_failed'));
    await signIn(developer.email, developer.password, { ip: '10.1.2.3' });
    const entries = await auditActions(tenant.orgId, developer.id);
    expect(entries.filter((entry) => entry.action.startsWith('operator.login'))).toEqual([
      { action: 'operator.login_failed', outcome: 'failure', details: { email: developer.email, reason: 'wrong_password' }, ip: '10.1.2.3' },
      { action: 'operator.login', outcome: 'success', details: {}, ip: '10.1.2.3' },
    ]);
    const unknownEmailEntries = await roster.ctx.db.selectFrom('audit_logs').select('id').where(sql<boolean>`details->>'email' = 'nobody-else@example.com'`).execute();
    expect(unknownEmailEntries).toHaveLength(0);
  });

  it('rejects a malformed body before looking anyone up', async () => {
    const response = await roster.app.inject({ method: 'POST', url: '/api/console/session', payload: { email: 'a@example.com' } });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('validation_failed');
  });
});

describe('repeated failed sign-ins', () => {
  // Changed deliberately (issue #9, finding 13): the wait after ten failures is a minute that doubles with
  // each further failure, instead of a fixed 15-minute lock. sign-in-throttle.test.ts covers the rest.
  it('are refused with 429 and Retry-After after ten from one address, even with the right password, while another address still gets in', async () => {
    const label = 'throttled';
    const other = await createTestTenant(roster.ctx, label);
    const target = other.operators.READER;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await signIn(target.email, `wrong-${attempt}`, { ip: '192.0.2.7' })).statusCode).toBe(401);
    }
    const throttled = await signIn(target.email, target.password, { ip: '192.0.2.7' });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('too_many_attempts');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await signIn(target.email, target.password, { ip: '192.0.2.8' })).statusCode).toBe(200);
  });
});

describe('a session', () => {
  it('ends on sign-out: 204, the cookie is cleared, the same cookie no longer works, and the sign-out is audited', async () => {
    const admin = tenant.operators.ADMIN;
    const secret = await sessionCookieOf(admin.email, admin.password);
    const response = await roster.app.inject({ method: 'DELETE', url: '/api/console/session', cookies: { [SESSION_COOKIE]: secret } });
    expect(response.statusCode).toBe(204);
    const cleared = response.cookies.find((entry) => entry.name === SESSION_COOKIE)!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThan(Date.now());

    const after = await roster.app.inject({ method: 'GET', url: '/api/console/me', cookies: { [SESSION_COOKIE]: secret } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('session_expired');
    expect((await auditActions(tenant.orgId, admin.id)).map((entry) => entry.action)).toContain('operator.logout');
    // Signing out again, or without a session, is not an error.
    expect((await roster.app.inject({ method: 'DELETE', url: '/api/console/session', cookies: { [SESSION_COOKIE]: secret } })).statusCode).toBe(204);
    expect((await roster.app.inject({ method: 'DELETE', url: '/api/console/session' })).statusCode).toBe(204);
  });

  it('stops working once it has expired', async () => {
    const reader = tenant.operators.READER;
    const secret = await sessionCookieOf(reader.email, reader.password);
    await roster.ctx.db.updateTable('operator_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('token_hash', '=', hashSecret(secret)).execute();
    const response = await roster.app.inject({ method: 'GET', url: '/api/console/me', cookies: { [SESSION_COOKIE]: secret } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('session_expired');
  });

  it('is extended back to 12 hours when used', async () => {
    const reader = tenant.operators.READER;
    const secret = await sessionCookieOf(reader.email, reader.password);
    await roster.ctx.db.updateTable('operator_sessions').set({ expires_at: new Date(Date.now() + 3600_000) }).where('token_hash', '=', hashSecret(secret)).execute();
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', cookies: { [SESSION_COOKIE]: secret } })).statusCode).toBe(200);
    const row = await roster.ctx.db.selectFrom('operator_sessions').select('expires_at').where('token_hash', '=', hashSecret(secret)).executeTakeFirstOrThrow();
    expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(11.9 * 3600_000);
  });

  it('answers 401 to a request with no credential at all', async () => {
    const response = await roster.app.inject({ method: 'GET', url: '/api/console/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('not_signed_in');
  });
});

describe('cross-site requests with the session cookie', () => {
  const evil = 'https://evil.example';

  it('are refused with 403 when they would change something', async () => {
    const owner = tenant.operators.OWNER;
    const secret = await sessionCookieOf(owner.email, owner.password);
    const response = await roster.app.inject({
      method: 'POST',
      url: '/api/console/tokens',
      cookies: { [SESSION_COOKIE]: secret },
      headers: { origin: evil },
      payload: { name: 'planted' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('cross_site_request');
    const planted = await roster.ctx.db.selectFrom('console_tokens').select('id').where('name', '=', 'planted').execute();
    expect(planted).toHaveLength(0);
  });

  it('pass from the public URL’s origin, from the host the request was sent to, and without an Origin header', async () => {
    const owner = tenant.operators.OWNER;
    const secret = await sessionCookieOf(owner.email, owner.password);
    const post = (headers: Record<string, string>) =>
      roster.app.inject({ method: 'POST', url: '/api/console/tokens', cookies: { [SESSION_COOKIE]: secret }, headers, payload: { name: 'same-site' } });
    expect((await post({ origin: 'http://roster.test' })).statusCode).toBe(201);
    expect((await post({ origin: 'http://console.internal:3000', host: 'console.internal:3000' })).statusCode).toBe(201);
    expect((await post({})).statusCode).toBe(201);
  });

  it('may read, and a Bearer token from anywhere may write, because a foreign page cannot send one', async () => {
    const owner = tenant.operators.OWNER;
    const secret = await sessionCookieOf(owner.email, owner.password);
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', cookies: { [SESSION_COOKIE]: secret }, headers: { origin: evil } })).statusCode).toBe(200);
    const withToken = await roster.app.inject({ method: 'POST', url: '/api/console/tokens', headers: { ...owner.auth, origin: evil }, payload: { name: 'script' } });
    expect(withToken.statusCode).toBe(201);
  });

  it('cannot sign a browser in from another site', async () => {
    const owner = tenant.operators.OWNER;
    const response = await signIn(owner.email, owner.password, { origin: evil });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('cross_site_request');
  });

  it('are refused on other features’ console routes too, since requireOperator checks the origin for cookie callers', async () => {
    const owner = tenant.operators.OWNER;
    const secret = await sessionCookieOf(owner.email, owner.password);
    const other = Fastify();
    registerErrorHandling(other);
    await other.register(cookie);
    other.post('/api/console/apps/x/imports', { preHandler: requireOperator(roster.ctx) }, async () => ({ ok: true }));
    try {
      const refused = await other.inject({ method: 'POST', url: '/api/console/apps/x/imports', cookies: { [SESSION_COOKIE]: secret }, headers: { origin: evil } });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('cross_site_request');
      const allowed = await other.inject({ method: 'POST', url: '/api/console/apps/x/imports', cookies: { [SESSION_COOKIE]: secret }, headers: { origin: 'http://roster.test' } });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });
});
