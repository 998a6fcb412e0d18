import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { invitationTokenIn, mailsTo } from '../../../test/outbox.ts';

/** Issue #19, finding 4: an invitation is worth only its sender's right to invite, and can be listed and revoked. */

let roster: TestRoster;
beforeAll(async () => {
  roster = await startTestRoster();
});
afterAll(async () => {
  await roster?.close();
});

type Auth = Record<string, string>;
const invite = (auth: Auth, email: string, role: string) => roster.app.inject({ method: 'POST', url: '/api/console/operators', headers: auth, payload: { email, role } });
const list = (auth: Auth) => roster.app.inject({ method: 'GET', url: '/api/console/invitations', headers: auth });
const revoke = (auth: Auth, id: string) => roster.app.inject({ method: 'DELETE', url: `/api/console/invitations/${id}`, headers: auth });
const accept = (token: string) => roster.app.inject({ method: 'POST', url: '/api/console/invitations/accept', payload: { token, password: 'a-long-enough-password' } });
const lookup = (token: string) => roster.app.inject({ method: 'POST', url: '/api/console/invitations/lookup', payload: { token } });

async function invitedToken(auth: Auth, email: string, role: string): Promise<string> {
  expect((await invite(auth, email, role)).statusCode).toBe(202);
  return invitationTokenIn((await mailsTo(roster.dataDir, email)).at(-1)!)!;
}

async function operatorExists(email: string): Promise<boolean> {
  return Boolean(await roster.ctx.db.selectFrom('operators').select('id').where('email', '=', email).where('removed_at', 'is', null).executeTakeFirst());
}

describe('an invitation ends with its sender’s right to invite', () => {
  it('refuses the invitation of an ADMIN the OWNER has removed (the reproduction)', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const token = await invitedToken(tenant.operators.ADMIN.auth, 'backdoor@example.com', 'ADMIN');
    expect((await roster.app.inject({ method: 'DELETE', url: `/api/console/operators/${tenant.operators.ADMIN.id}`, headers: tenant.operators.OWNER.auth })).statusCode).toBe(204);

    const accepted = await accept(token);
    expect(accepted.statusCode).toBe(410);
    expect(accepted.json().error.code).toBe('invitation_revoked');
    expect((await lookup(token)).json().error.code).toBe('invitation_revoked');
    expect(await operatorExists('backdoor@example.com')).toBe(false);

    const listed = (await list(tenant.operators.OWNER.auth)).json().results;
    expect(listed).toEqual([expect.objectContaining({ email: 'backdoor@example.com', role: 'ADMIN', status: 'revoked', revoked_reason: 'sender_removed', invited_by: { id: tenant.operators.ADMIN.id, email: tenant.operators.ADMIN.email } })]);
    const removal = await roster.ctx.db.selectFrom('audit_logs').select('details').where('action', '=', 'operator.removed').where('target_id', '=', tenant.operators.ADMIN.id).executeTakeFirstOrThrow();
    expect(removal.details).toMatchObject({ invitations_revoked: 1 });
  });

  it('revokes only what a lowered role may no longer give, and checks the sender again at acceptance', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const owner = tenant.operators.OWNER;
    // A second OWNER sends an OWNER and an ADMIN invitation, then becomes ADMIN: the OWNER one ends, the ADMIN one stays.
    const ownerToken = await invitedToken(owner.auth, 'future-owner@example.com', 'OWNER');
    const adminToken = await invitedToken(owner.auth, 'future-admin@example.com', 'ADMIN');
    expect((await roster.app.inject({ method: 'PATCH', url: `/api/console/operators/${tenant.operators.ADMIN.id}`, headers: owner.auth, payload: { role: 'OWNER' } })).statusCode).toBe(200);
    expect((await roster.app.inject({ method: 'PATCH', url: `/api/console/operators/${owner.id}`, headers: tenant.operators.ADMIN.auth, payload: { role: 'ADMIN' } })).statusCode).toBe(200);
    expect((await accept(ownerToken)).json().error.code).toBe('invitation_revoked');
    expect((await accept(adminToken)).statusCode).toBe(200);
    // As ADMIN they invite a READER, then are lowered to READER themselves: every pending invitation of theirs ends.
    const other = await invitedToken(owner.auth, 'by-admin@example.com', 'READER');
    expect((await roster.app.inject({ method: 'PATCH', url: `/api/console/operators/${owner.id}`, headers: tenant.operators.ADMIN.auth, payload: { role: 'READER' } })).statusCode).toBe(200);
    expect((await accept(other)).json().error.code).toBe('invitation_revoked');
    const statuses = Object.fromEntries((await list(tenant.operators.ADMIN.auth)).json().results.map((item: { email: string; status: string; revoked_reason: string | null }) => [item.email, [item.status, item.revoked_reason]]));
    expect(statuses).toEqual({ 'future-owner@example.com': ['revoked', 'sender_role_changed'], 'future-admin@example.com': ['accepted', null], 'by-admin@example.com': ['revoked', 'sender_role_changed'] });
  });

  it('also refuses an invitation whose sender lost the right without it being revoked (an older invitation)', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const token = await invitedToken(tenant.operators.ADMIN.auth, 'older@example.com', 'DEVELOPER');
    // As an invitation from before revocation existed: the sender is removed directly in the database.
    await roster.ctx.db.updateTable('operators').set({ removed_at: new Date() }).where('id', '=', tenant.operators.ADMIN.id).execute();
    expect((await accept(token)).json().error.code).toBe('invitation_revoked');
    expect(await operatorExists('older@example.com')).toBe(false);
  });
});

describe('listing and revoking invitations', () => {
  it('lets OWNER and ADMIN list and revoke (ADMIN not OWNER invitations); others get 403, other organizations 404', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const outsider = await createTestTenant(roster.ctx);
    const { OWNER: owner, ADMIN: admin } = tenant.operators;
    const readerToken = await invitedToken(admin.auth, 'to-revoke@example.com', 'READER');
    await invitedToken(owner.auth, 'owner-only@example.com', 'OWNER');
    const listed = await list(admin.auth);
    expect(listed.statusCode).toBe(200);
    const byEmail = Object.fromEntries(listed.json().results.map((item: { email: string; id: string }) => [item.email, item]));
    expect(byEmail['to-revoke@example.com']).toMatchObject({ status: 'pending', role: 'READER', accepted_at: null, revoked_at: null });
    for (const role of ['COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'] as const) {
      expect((await list(tenant.operators[role].auth)).statusCode).toBe(403);
      expect((await revoke(tenant.operators[role].auth, byEmail['to-revoke@example.com'].id)).statusCode).toBe(403);
    }
    expect((await list(outsider.operators.OWNER.auth)).json().results).toEqual([]);
    expect((await revoke(outsider.operators.OWNER.auth, byEmail['to-revoke@example.com'].id)).statusCode).toBe(404);
    expect((await revoke(admin.auth, byEmail['owner-only@example.com'].id)).json().error.code).toBe('forbidden_role');
    expect((await revoke(admin.auth, 'not-a-uuid')).statusCode).toBe(404);

    expect((await revoke(admin.auth, byEmail['to-revoke@example.com'].id)).statusCode).toBe(204);
    expect((await revoke(admin.auth, byEmail['to-revoke@example.com'].id)).statusCode).toBe(204);
    expect((await accept(readerToken)).json().error.code).toBe('invitation_revoked');
    const audit = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'actor_id', 'details']).where('target_id', '=', byEmail['to-revoke@example.com'].id).where('action', '=', 'operator.invitation_revoked').execute();
    expect(audit).toEqual([{ action: 'operator.invitation_revoked', actor_id: admin.id, details: { email: 'to-revoke@example.com', role: 'READER', reason: 'revoked' } }]);

    const acceptedToken = await invitedToken(owner.auth, 'joined@example.com', 'DEVELOPER');
    expect((await accept(acceptedToken)).statusCode).toBe(200);
    const joined = (await list(owner.auth)).json().results.find((item: { email: string }) => item.email === 'joined@example.com');
    expect(joined.status).toBe('accepted');
    expect((await revoke(owner.auth, joined.id)).json().error.code).toBe('invitation_accepted');
  });
});
