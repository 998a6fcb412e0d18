import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { bootstrapDemoTenant } from '../../runtime.ts';
import { passwordCheckGate } from './password-check-gate.ts';
import { signInRules } from './sign-in-throttle.ts';
import { createConsoleToken } from './tenancy.service.ts';

let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;
const seenMail = new Set<string>();

beforeAll(async () => {
  roster = await startTestRoster();
  // The first start, as `roster start --owner-email` runs it on an empty database.
  expect(await bootstrapDemoTenant(roster.ctx, { ownerEmail: 'founder@example.com' })).toBe(true);
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

/** The newest message in the outbox not read before, polled with a deadline. */
async function nextMail(to: string) {
  const outbox = path.join(roster.dataDir, 'outbox');
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const name of (await readdir(outbox).catch(() => [])).filter((file) => file.endsWith('.eml') && !seenMail.has(file))) {
      const mail = await simpleParser(await readFile(path.join(outbox, name)));
      if (mail.text?.includes('/reset-password?token=') && JSON.stringify(mail.to).includes(to)) {
        seenMail.add(name);
        return { subject: mail.subject, token: /token=([A-Za-z0-9_-]+)/.exec(mail.text)![1] };
      }
    }
    if (Date.now() > deadline) throw new Error(`no reset mail for ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const signIn = (email: string, password: string) => roster.app.inject({ method: 'POST', url: '/api/console/session', payload: { email, password } });
const sessionCookie = (response: Awaited<ReturnType<typeof signIn>>) => `roster_session=${/roster_session=([^;]+)/.exec(String(response.headers['set-cookie']))![1]}`;

describe('passwords', () => {
  it('lets an operator change their own password, ending their other sessions', async () => {
    const me = tenant.operators.DEVELOPER;
    const first = sessionCookie(await signIn(me.email, me.password));
    const second = sessionCookie(await signIn(me.email, me.password));
    const change = (payload: Record<string, unknown>) =>
      roster.app.inject({ method: 'POST', url: '/api/console/me/password', payload, headers: { cookie: first, origin: roster.config.PUBLIC_URL } });
    expect((await change({ current_password: 'wrong-password', new_password: 'a-new-password-1' })).statusCode).toBe(403);
    expect((await change({ current_password: me.password, new_password: 'short' })).statusCode).toBe(422);
    expect((await change({ current_password: me.password, new_password: 'a-new-password-1' })).statusCode).toBe(204);
    expect((await signIn(me.email, me.password)).statusCode).toBe(401);
    expect((await signIn(me.email, 'a-new-password-1')).statusCode).toBe(200);
    const me1 = await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie: first } });
    const me2 = await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie: second } });
    expect([me1.statusCode, me2.statusCode]).toEqual([200, 401]);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select('action').where('target_id', '=', me.id).execute();
    expect(audit.map((entry) => entry.action)).toContain('operator.password_changed');
  });

  it('puts a password change behind the sign-in throttle and argon2 gate: 40 concurrent wrong guesses are not 40 checks (issue #19, finding 3)', async () => {
    const me = outsider.operators.READER;
    const cookie = sessionCookie(await signIn(me.email, me.password));
    const change = (current: string) =>
      roster.app.inject({ method: 'POST', url: '/api/console/me/password', payload: { current_password: current, new_password: 'a-brand-new-password' }, headers: { cookie, origin: roster.config.PUBLIC_URL } });
    const checksBefore = passwordCheckGate.checksStarted;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, index) => change(`wrong-guess-${index}`)));
    const checks = passwordCheckGate.checksStarted - checksBefore;
    const statuses = answers.map((answer) => answer.statusCode);
    const wrong = answers.filter((answer) => answer.statusCode === 403);
    const throttled = answers.filter((answer) => answer.statusCode === 429);
    // Only wrong answers and the sign-in's own refusals; each wrong answer is one argon2 check, and no more than the sign-in limit ran.
    expect(wrong.length + throttled.length, JSON.stringify(statuses)).toBe(40);
    expect(wrong.every((answer) => answer.json().error.code === 'wrong_password')).toBe(true);
    expect(throttled.every((answer) => answer.json().error.code === 'too_many_attempts' && Number(answer.headers['retry-after']) > 0)).toBe(true);
    expect(checks).toBe(wrong.length);
    expect(checks).toBeLessThanOrEqual(signInRules.emailAndAddress.limit);
    expect(passwordCheckGate.peakRunning).toBeLessThanOrEqual(passwordCheckGate.maxRunning);
    // No oracle: past the limit even the right current password is refused unchecked, and so is a sign-in from here.
    const right = await change(me.password);
    expect(right.statusCode).toBe(429);
    expect(passwordCheckGate.checksStarted - checksBefore).toBe(checks);
    expect((await signIn(me.email, me.password)).statusCode).toBe(429);
  });

  it('ends every console token and every other session on a password change; API keys stay (issue #19, finding 8)', async () => {
    const me = outsider.operators.COMPLIANCE_OFFICER;
    const cookie = sessionCookie(await signIn(me.email, me.password));
    const other = sessionCookie(await signIn(me.email, me.password));
    const token = (await createConsoleToken(roster.ctx.db, me.email, { name: 'script' })).token;
    const asToken = (value: string) => roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { authorization: `Bearer ${value}` } });
    expect((await asToken(token)).statusCode).toBe(200);
    const changed = await roster.app.inject({
      method: 'POST',
      url: '/api/console/me/password',
      payload: { current_password: me.password, new_password: 'changed-password-1' },
      headers: { cookie, origin: roster.config.PUBLIC_URL },
    });
    expect(changed.statusCode).toBe(204);
    expect((await asToken(token)).statusCode).toBe(401);
    expect((await asToken(me.token)).statusCode).toBe(401);
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie: other } })).statusCode).toBe(401);
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await roster.app.inject({ method: 'GET', url: '/v3/users/', headers: outsider.keyAuth })).statusCode).toBe(200);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select('details').where('target_id', '=', me.id).where('action', '=', 'operator.password_changed').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ sessions_ended: 1, tokens_revoked: 2 });
  });

  it('lets an OWNER mail a one-time reset link that sets a new password once and ends the sessions', async () => {
    const target = tenant.operators.READER;
    const oldSession = sessionCookie(await signIn(target.email, target.password));
    const requested = await roster.app.inject({ method: 'POST', url: `/api/console/operators/${target.id}/password-reset`, headers: tenant.operators.OWNER.auth });
    expect(requested.statusCode).toBe(202);
    expect(requested.json().email).toBe(target.email);
    const mail = await nextMail(target.email);
    expect(mail.subject).toBe('Reset your Roster password');
    const use = (token: string, password: string) => roster.app.inject({ method: 'POST', url: '/api/console/password-resets', payload: { token, new_password: password } });
    expect((await use(mail.token, 'short')).statusCode).toBe(422);
    expect((await use(mail.token, 'reset-password-1')).json()).toEqual({ email: target.email });
    expect((await use(mail.token, 'reset-password-2')).json().error.code).toBe('invalid_reset_link');
    expect((await use('made-up-token', 'reset-password-3')).statusCode).toBe(422);
    expect((await signIn(target.email, 'reset-password-1')).statusCode).toBe(200);
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie: oldSession } })).statusCode).toBe(401);
    // The reset ends the operator's console tokens too (issue #19, finding 8); the application's API key stays.
    expect((await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: target.auth })).statusCode).toBe(401);
    expect((await roster.app.inject({ method: 'GET', url: '/v3/users/', headers: tenant.keyAuth })).statusCode).toBe(200);
  });

  it('refuses resets to every role but OWNER, and across organizations', async () => {
    const target = tenant.operators.COMPLIANCE_OFFICER;
    // DEVELOPER and READER changed or reset their passwords above, which ended their tokens: they get new ones.
    const fresh = async (role: 'DEVELOPER' | 'READER') => ({ authorization: `Bearer ${(await createConsoleToken(roster.ctx.db, tenant.operators[role].email)).token}` });
    for (const auth of [tenant.operators.ADMIN.auth, tenant.operators.COMPLIANCE_OFFICER.auth, await fresh('DEVELOPER'), await fresh('READER')]) {
      expect((await roster.app.inject({ method: 'POST', url: `/api/console/operators/${target.id}/password-reset`, headers: auth })).statusCode).toBe(403);
    }
    expect((await roster.app.inject({ method: 'POST', url: `/api/console/operators/${target.id}/password-reset`, headers: outsider.operators.OWNER.auth })).statusCode).toBe(404);
  });

  it('gives the first start\'s --owner-email owner a working set-password link', async () => {
    const mail = await nextMail('founder@example.com');
    expect(mail.subject).toBe('Set your Roster password');
    const used = await roster.app.inject({ method: 'POST', url: '/api/console/password-resets', payload: { token: mail.token, new_password: 'founder-password-1' } });
    expect(used.statusCode).toBe(200);
    const session = await signIn('founder@example.com', 'founder-password-1');
    expect(session.statusCode).toBe(200);
    const me = await roster.app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie: sessionCookie(session) } });
    expect(me.json().operator.role).toBe('OWNER');
  });
});
