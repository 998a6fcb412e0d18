import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { bootstrapDemoTenant } from '../../runtime.ts';

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
  });

  it('refuses resets to every role but OWNER, and across organizations', async () => {
    const target = tenant.operators.COMPLIANCE_OFFICER;
    for (const role of ['ADMIN', 'COMPLIANCE_OFFICER', 'READER'] as const) {
      expect((await roster.app.inject({ method: 'POST', url: `/api/console/operators/${target.id}/password-reset`, headers: tenant.operators[role].auth })).statusCode).toBe(403);
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
