import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { requestErasure, waitForErasure } from '../../../test/support/erasure.ts';
import { createdUser, errorOf } from '../../../test/support/users.ts';
import { purgeExpiredHolds } from './index.ts';

/** Who may erase and read the held record, tenant isolation, bad input, the certificate page, the hold's purge. */

let roster: TestRoster;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  other = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const url = (t: TestTenant, suffix: string) => `/api/console/apps/${t.appId}${suffix}`;
const heldRead = (role: keyof TestTenant['operators'], erasureId: string, payload: Record<string, unknown>, t: TestTenant = tenant) =>
  roster.app.inject({ method: 'POST', url: url(tenant, `/erasures/${erasureId}/held-record`), headers: t.operators[role].auth, payload });

describe('erasure requests', () => {
  it('refuse DEVELOPER and READER (403), another organization (404), an unknown user (404), bad input (422), a second request (409)', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'roles-1', full_name: 'Ada Lovelace', email: 'ada@example.com' });
    for (const role of ['DEVELOPER', 'READER'] as const) {
      const response = await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'r', legal_hold: false }, role);
      expect(response.statusCode).toBe(403);
      expect(errorOf(response).code).toBe('forbidden_role');
    }
    const foreign = await roster.app.inject({ method: 'POST', url: url(tenant, `/users/${user.didit_internal_id}/erase`), headers: other.operators.OWNER.auth, payload: { reason: 'r', legal_hold: false } });
    expect(foreign.statusCode).toBe(404);
    // The other organization's own application does not hold the user either.
    expect((await requestErasure(roster, other, user.didit_internal_id, { reason: 'r', legal_hold: false }, 'OWNER')).statusCode).toBe(404);
    const unknown = await requestErasure(roster, tenant, '00000000-0000-4000-8000-000000000000', { reason: 'r', legal_hold: false });
    expect([unknown.statusCode, errorOf(unknown).code]).toEqual([404, 'user_not_found']);
    const noReason = await requestErasure(roster, tenant, user.didit_internal_id, { legal_hold: false });
    expect([noReason.statusCode, errorOf(noReason).code]).toEqual([422, 'reason_required']);
    const noHold = await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'asked by email' });
    expect([noHold.statusCode, errorOf(noHold).code]).toEqual([422, 'legal_hold_required']);
    expect(await roster.ctx.db.selectFrom('erasures').select('id').where('app_id', '=', tenant.appId).execute()).toEqual([]);

    const first = await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'asked by email', legal_hold: true });
    expect(first.statusCode, first.body).toBe(202);
    const second = await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'again', legal_hold: true });
    expect([second.statusCode, errorOf(second).code]).toEqual([409, 'already_erased']);
    const done = await waitForErasure(roster, tenant, first.json().id);
    expect(done.status).toBe('completed');
    const third = await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'again', legal_hold: true });
    expect(third.statusCode).toBe(409);
    // The erasure is visible to the erasing roles only, and in its own organization only.
    expect((await roster.app.inject({ method: 'GET', url: url(tenant, `/erasures/${done.id}`), headers: tenant.operators.READER.auth })).statusCode).toBe(403);
    expect((await roster.app.inject({ method: 'GET', url: url(tenant, `/erasures/${done.id}`), headers: other.operators.OWNER.auth })).statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'GET', url: url(other, `/erasures/${done.id}`), headers: other.operators.OWNER.auth })).statusCode).toBe(404);
    const listed = (await roster.app.inject({ method: 'GET', url: url(tenant, `/erasures?didit_internal_id=${user.didit_internal_id}`), headers: tenant.operators.ADMIN.auth })).json();
    expect(listed.results.map((erasure: { id: string }) => erasure.id)).toEqual([done.id]);
  });

  it('the held record: OWNER and COMPLIANCE_OFFICER with a reason (audited), not ADMIN; purged after hold_until (410)', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'held-1', full_name: 'Grace Hopper', date_of_birth: '1906-12-09', email: 'grace@example.com' });
    const erasure = await waitForErasure(roster, tenant, (await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'closing the account', legal_hold: true })).json().id);
    expect(erasure.hold_until.slice(0, 4)).toBe(String(new Date().getUTCFullYear() + 5));

    expect((await heldRead('ADMIN', erasure.id, { reason: 'audit' })).statusCode).toBe(403);
    expect((await heldRead('DEVELOPER', erasure.id, { reason: 'audit' })).statusCode).toBe(403);
    expect((await heldRead('OWNER', erasure.id, { reason: 'audit' }, other)).statusCode).toBe(404);
    const noReason = await heldRead('COMPLIANCE_OFFICER', erasure.id, {});
    expect([noReason.statusCode, errorOf(noReason).code]).toEqual([422, 'reason_required']);
    const blank = await heldRead('COMPLIANCE_OFFICER', erasure.id, { reason: '   ' });
    expect(blank.statusCode).toBe(422);
    const read = await heldRead('COMPLIANCE_OFFICER', erasure.id, { reason: 'regulator request FIU-2291' });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ vendor_data: 'held-1', full_name: 'Grace Hopper', date_of_birth: '1906-12-09', verification_sessions: [] });
    expect(read.json()).not.toHaveProperty('email');
    const audited = await roster.ctx.db.selectFrom('audit_logs').select(['actor_id', 'details']).where('action', '=', 'erasure.held_record_read').where('target_id', '=', erasure.id).execute();
    expect(audited).toEqual([{ actor_id: tenant.operators.COMPLIANCE_OFFICER.id, details: expect.objectContaining({ reason: 'regulator request FIU-2291' }) }]);

    expect(await purgeExpiredHolds(roster.ctx, new Date())).toBe(0);
    expect(await purgeExpiredHolds(roster.ctx, new Date(Date.now() + 6 * 366 * 86_400_000))).toBeGreaterThanOrEqual(1);
    const purged = await heldRead('OWNER', erasure.id, { reason: 'audit' });
    expect([purged.statusCode, errorOf(purged).code]).toEqual([410, 'held_record_purged']);
    expect(await roster.ctx.db.selectFrom('erasure_holds').select('erasure_id').where('erasure_id', '=', erasure.id).execute()).toEqual([]);
  });

  it('without legal_hold there is no held record (404); the certificate is JSON, or a printable page', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'cert-1', email: 'cert@example.com' });
    const erasure = await waitForErasure(roster, tenant, (await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'asked <b>in person</b>', legal_hold: false }, 'OWNER')).json().id);
    const none = await heldRead('OWNER', erasure.id, { reason: 'audit' });
    expect([none.statusCode, errorOf(none).code]).toEqual([404, 'no_held_record']);
    const json = await roster.app.inject({ method: 'GET', url: url(tenant, `/erasures/${erasure.id}/certificate`), headers: tenant.operators.COMPLIANCE_OFFICER.auth });
    expect(json.json()).toMatchObject({ certificate: 'roster.erasure/v1', erasure_id: erasure.id, didit_internal_id: user.didit_internal_id, held: null, requested_by: { label: tenant.operators.OWNER.email } });
    const page = await roster.app.inject({ method: 'GET', url: url(tenant, `/erasures/${erasure.id}/certificate?format=html`), headers: tenant.operators.COMPLIANCE_OFFICER.auth });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Erasure certificate');
    expect(page.body).toContain('asked &lt;b&gt;in person&lt;/b&gt;');
    expect((await roster.app.inject({ method: 'GET', url: url(tenant, `/erasures/${erasure.id}/certificate`), headers: tenant.operators.DEVELOPER.auth })).statusCode).toBe(403);
  });
});
