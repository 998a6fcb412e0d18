import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, errorOf, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let api: ReturnType<typeof usersApi>;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  api = usersApi(roster, tenant);
});
afterAll(async () => {
  await roster?.close();
});

describe('POST /v3/users/{vendor_data}/sessions/', () => {
  it('moves the counters and session timestamps for each new session', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-counters' });
    await api.session('s-counters', { session_id: 'c-1', status: 'IN_REVIEW', completed_at: '2026-03-01T10:00:00Z' });
    await api.session('s-counters', { session_id: 'c-2', status: 'DECLINED', completed_at: '2026-03-05T10:00:00+02:00' });
    const response = await api.session('s-counters', { session_id: 'c-3', status: 'declined', completed_at: '2026-02-01T00:00:00Z' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      session_count: 3,
      approved_count: 0,
      declined_count: 2,
      in_review_count: 1,
      first_session_at: '2026-02-01T00:00:00.000Z',
      // A late report of an older session does not move the latest timestamps back.
      last_session_at: '2026-03-05T08:00:00.000Z',
      last_activity_at: '2026-03-05T08:00:00.000Z',
      verified_at: null,
    });
  });

  it('uses the time of the report when completed_at is absent', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-now' });
    const before = Date.now();
    const user = (await api.session('s-now', { session_id: 'now-1', status: 'IN_REVIEW' })).json();
    expect(Date.parse(user.last_activity_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(user.first_session_at).toBe(user.last_session_at);
  });

  it('stores the verified full_name and date_of_birth of an approved session and marks the user verified', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-approved', full_name: 'Typed By Hand', display_name: 'Nick' });
    const response = await api.session('s-approved', { session_id: 'ok-1', status: 'APPROVED', full_name: 'María José Pérez', date_of_birth: '1985-12-24', issuing_state: 'ESP' });
    expect(response.json()).toMatchObject({ full_name: 'María José Pérez', date_of_birth: '1985-12-24', effective_name: 'Nick', approved_count: 1, session_count: 1, verified_at: expect.any(String) });
    const audit = await roster.ctx.db.selectFrom('audit_logs').selectAll().where('action', '=', 'user.session_recorded').where('target_id', '=', response.json().didit_internal_id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'api_key', ip: '127.0.0.1' });
    expect(audit[0].details).toEqual({
      vendor_data: 's-approved',
      session_id: 'ok-1',
      status: 'APPROVED',
      issuing_state: 'ESP',
      verified_fields: ['full_name', 'date_of_birth'],
      // What the session moved, as every other write to a user records it (its change in the feed carries the same).
      changes: expect.objectContaining({ full_name: { from: 'Typed By Hand', to: 'María José Pérez' }, date_of_birth: { from: null, to: '1985-12-24' }, session_count: { from: 0, to: 1 } }),
    });
  });

  it('does not take a name from a declined session', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-declined', full_name: 'Real Name' });
    const user = (await api.session('s-declined', { session_id: 'no-1', status: 'DECLINED', full_name: 'Forged Name', date_of_birth: '2000-01-01' })).json();
    expect(user).toMatchObject({ full_name: 'Real Name', date_of_birth: null, verified_at: null, declined_count: 1 });
  });

  it('returns the user unchanged, with 200, when the same session is reported again', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-repeat' });
    const first = (await api.session('s-repeat', { session_id: 'rep-1', status: 'APPROVED', full_name: 'First Report' })).json();
    const again = await api.session('s-repeat', { session_id: 'rep-1', status: 'APPROVED', full_name: 'Second Report' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first);
  });

  it('records each session once even when reports race', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-race' });
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.session('s-race', { session_id: 'race-1', status: 'IN_REVIEW' })));
    expect(responses.map((response) => response.statusCode)).toEqual(new Array(8).fill(200));
    expect((await api.get('s-race')).json()).toMatchObject({ session_count: 1, in_review_count: 1 });
  });

  it('answers 409 when the session was recorded for another user or with another outcome', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-owner' });
    await createdUser(roster, tenant, { vendor_data: 's-intruder' });
    await api.session('s-owner', { session_id: 'owned-1', status: 'IN_REVIEW' });
    const otherUser = await api.session('s-intruder', { session_id: 'owned-1', status: 'IN_REVIEW' });
    expect(otherUser.statusCode).toBe(409);
    expect(errorOf(otherUser).code).toBe('session_belongs_to_other_user');
    await api.session('s-owner', { session_id: 'owned-2', status: 'DECLINED' });
    const otherOutcome = await api.session('s-owner', { session_id: 'owned-2', status: 'APPROVED' });
    expect(otherOutcome.statusCode).toBe(409);
    expect(errorOf(otherOutcome).code).toBe('session_already_recorded');
    expect((await api.get('s-intruder')).json().session_count).toBe(0);
    expect((await api.get('s-owner')).json()).toMatchObject({ session_count: 2, approved_count: 0, declined_count: 1, in_review_count: 1 });
  });

  it('moves a session in review to its final outcome when the review ends', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-review' });
    await api.session('s-review', { session_id: 'review-1', status: 'IN_REVIEW' });
    const approved = await api.session('s-review', { session_id: 'review-1', status: 'APPROVED', full_name: 'Reviewed Person', date_of_birth: '1980-05-06' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ session_count: 1, in_review_count: 0, approved_count: 1, full_name: 'Reviewed Person', date_of_birth: '1980-05-06' });
    const backToReview = await api.session('s-review', { session_id: 'review-1', status: 'IN_REVIEW' });
    expect(backToReview.statusCode).toBe(409);
    expect((await api.session('s-review', { session_id: 'review-1', status: 'APPROVED' })).json()).toMatchObject({ session_count: 1, approved_count: 1 });
  });

  it('keeps session ids apart per application', async () => {
    const other = await createTestTenant(roster.ctx);
    await createdUser(roster, tenant, { vendor_data: 's-apps' });
    await createdUser(roster, other, { vendor_data: 's-apps' });
    expect((await api.session('s-apps', { session_id: 'same-id', status: 'APPROVED' })).statusCode).toBe(200);
    expect((await usersApi(roster, other).session('s-apps', { session_id: 'same-id', status: 'DECLINED' })).json().declined_count).toBe(1);
  });

  it('validates every field of the report before recording anything', async () => {
    await createdUser(roster, tenant, { vendor_data: 's-invalid' });
    const cases: [Record<string, unknown>, string][] = [
      [{ status: 'APPROVED' }, 'missing_session_id'],
      [{ session_id: 'v-1' }, 'missing_status'],
      [{ session_id: 'v-1', status: 'MAYBE' }, 'invalid_session_status'],
      [{ session_id: ' v-1', status: 'APPROVED' }, 'invalid_session_id'],
      [{ session_id: 42, status: 'APPROVED' }, 'invalid_session_id'],
      [{ session_id: 'x'.repeat(256), status: 'APPROVED' }, 'invalid_session_id'],
      [{ session_id: 'v-1', status: 'APPROVED', date_of_birth: '1990-13-01' }, 'invalid_date_of_birth'],
      [{ session_id: 'v-1', status: 'APPROVED', issuing_state: 'ES' }, 'invalid_issuing_state'],
      [{ session_id: 'v-1', status: 'APPROVED', completed_at: 'last tuesday' }, 'invalid_completed_at'],
      [{ session_id: 'v-1', status: 'APPROVED', completed_at: '2026-01-01T10:00:00' }, 'invalid_completed_at'],
      [{ session_id: 'v-1', status: 'APPROVED', completed_at: '2999-01-01T10:00:00Z' }, 'invalid_completed_at'],
      [{ session_id: 'v-1', status: 'APPROVED', full_name: 'x'.repeat(501) }, 'full_name_too_long'],
      [{ session_id: 'v-1', status: 'APPROVED', score: 0.9 }, 'unknown_field'],
    ];
    for (const [body, code] of cases) {
      const response = await api.session('s-invalid', body);
      expect(response.statusCode, code).toBe(422);
      expect(errorOf(response).code, JSON.stringify(body).slice(0, 80)).toBe(code);
    }
    expect((await api.get('s-invalid')).json().session_count).toBe(0);
    expect((await api.session('nobody', { session_id: 'v-1', status: 'APPROVED' })).statusCode).toBe(404);
  });
});
