import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, errorOf, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let other: TestTenant;
let api: ReturnType<typeof usersApi>;
let otherApi: ReturnType<typeof usersApi>;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  other = await createTestTenant(roster.ctx);
  api = usersApi(roster, tenant);
  otherApi = usersApi(roster, other);
});
afterAll(async () => {
  await roster?.close();
});

const auditOf = (action: string, targetId?: string) => {
  let query = roster.ctx.db.selectFrom('audit_logs').selectAll().where('org_id', '=', tenant.orgId).where('action', '=', action);
  if (targetId) query = query.where('target_id', '=', targetId);
  return query.orderBy('id').execute();
};

describe('POST /v3/users/create/', () => {
  it('creates a user with every field of the contract and answers 201', async () => {
    const response = await api.create({
      vendor_data: 'create-1',
      display_name: 'Ana',
      full_name: 'Ana María López',
      date_of_birth: '1990-04-01',
      email: 'ana@example.com',
      phone: '+34 600 123 456',
      country: 'esp',
      tags: ['vip', ' kyc', 'vip'],
      metadata: { tier: 'gold', nested: { n: 1 } },
    });
    expect(response.statusCode).toBe(201);
    const user = response.json();
    expect(user).toEqual({
      didit_internal_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      vendor_data: 'create-1',
      display_name: 'Ana',
      effective_name: 'Ana',
      full_name: 'Ana María López',
      date_of_birth: '1990-04-01',
      email: 'ana@example.com',
      phone: '+34600123456',
      country: 'ESP',
      status: 'ACTIVE',
      tags: ['vip', 'kyc'],
      metadata: { tier: 'gold', nested: { n: 1 } },
      verified_at: null,
      session_count: 0,
      approved_count: 0,
      declined_count: 0,
      in_review_count: 0,
      first_session_at: null,
      last_session_at: null,
      last_activity_at: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(new Date(user.created_at).toISOString()).toBe(user.created_at);
  });

  it('uses full_name as the effective name when there is no display name', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'create-2', full_name: 'Bo Berg' });
    expect(user.effective_name).toBe('Bo Berg');
  });

  it('accepts the path without its trailing slash', async () => {
    const response = await api.send('POST', '/v3/users/create', { vendor_data: 'create-no-slash' });
    expect(response.statusCode).toBe(201);
  });

  it('answers 409 duplicate_vendor_data for a vendor_data the application already has, and changes nothing', async () => {
    await createdUser(roster, tenant, { vendor_data: 'dup-1', email: 'first@example.com' });
    const response = await api.create({ vendor_data: 'dup-1', email: 'second@example.com' });
    expect(response.statusCode).toBe(409);
    expect(errorOf(response).code).toBe('duplicate_vendor_data');
    expect((await api.get('dup-1')).json().email).toBe('first@example.com');
    const created = (await auditOf('user.created')).filter((entry) => entry.details.vendor_data === 'dup-1');
    expect(created).toHaveLength(1);
  });

  it('lets another application use the same vendor_data', async () => {
    await createdUser(roster, tenant, { vendor_data: 'shared-id' });
    expect((await otherApi.create({ vendor_data: 'shared-id' })).statusCode).toBe(201);
  });

  it('reports every invalid field at once with its own code, and creates nothing', async () => {
    const response = await api.create({ vendor_data: 'bad-fields', email: 'nope', country: 'France', phone: '12', status: 'GONE', tags: 'vip', metadata: [1] });
    expect(response.statusCode).toBe(422);
    const error = errorOf(response);
    expect(error.code).toBe('invalid_email');
    expect(error.details?.map((detail) => detail.code)).toEqual(['invalid_email', 'invalid_phone', 'invalid_country', 'invalid_status', 'invalid_tags', 'invalid_metadata']);
    expect((await api.get('bad-fields')).statusCode).toBe(404);
  });

  it('requires vendor_data and bounds it to 2000 bytes', async () => {
    expect(errorOf(await api.create({ email: 'a@example.com' })).code).toBe('missing_vendor_data');
    expect(errorOf(await api.create({ vendor_data: 'é'.repeat(1001) })).code).toBe('vendor_data_too_long');
    const longest = 'é'.repeat(1000);
    expect((await api.create({ vendor_data: longest })).statusCode).toBe(201);
    expect((await api.get(longest)).json().vendor_data).toBe(longest);
  });

  it('refuses read-only and unknown fields by name instead of ignoring them', async () => {
    const response = await api.create({ vendor_data: 'ro-1', session_count: 5, emial: 'typo@example.com' });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).details).toEqual([
      { field: 'session_count', code: 'read_only_field', message: expect.any(String) },
      { field: 'emial', code: 'unknown_field', message: expect.any(String) },
    ]);
  });

  it('audits the creation with the API key as actor and the request IP', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'audited-1', email: 'a@example.com' });
    const [entry] = await auditOf('user.created', user.didit_internal_id);
    const key = await roster.ctx.db.selectFrom('api_keys').select(['id', 'prefix']).where('app_id', '=', tenant.appId).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_type: 'api_key', actor_id: key.id, actor_label: `api key ${key.prefix}`, app_id: tenant.appId, target_type: 'user', ip: '127.0.0.1', outcome: 'success' });
    expect(entry.details).toEqual({ vendor_data: 'audited-1', fields: ['email'], changes: { email: { from: null, to: 'a@example.com' }, status: { from: null, to: 'ACTIVE' } } });
  });
});

describe('GET /v3/users/{vendor_data}/', () => {
  it('finds a user by vendor_data, with or without the trailing slash, whatever characters it holds', async () => {
    await createdUser(roster, tenant, { vendor_data: 'a/b c?d#é' });
    const withSlash = await api.get('a/b c?d#é');
    expect(withSlash.statusCode).toBe(200);
    expect(withSlash.json().vendor_data).toBe('a/b c?d#é');
    expect((await api.send('GET', `/v3/users/${encodeURIComponent('a/b c?d#é')}`)).statusCode).toBe(200);
  });

  it('answers exactly the user object the other endpoints answer, timestamps included', async () => {
    await createdUser(roster, tenant, { vendor_data: 'same-shape', display_name: 'Zoë "Z" \\ 👩🏽‍💻', tags: ['a', 'b'], metadata: { nested: { list: [1, 'two', null] }, n: 1.5 } });
    const session = await api.session('same-shape', { session_id: 'shape-1', status: 'APPROVED', full_name: 'Zoë Ünal', date_of_birth: '1970-01-01', completed_at: '2026-05-06T07:08:09.999Z' });
    // Microseconds a JS Date cannot hold: both paths must cut them the same way.
    await sql`UPDATE users SET created_at = timestamptz '2026-01-01 00:00:00.123999+00', verified_at = timestamptz '2026-02-03 04:05:06.999999+00' WHERE vendor_data = 'same-shape'`.execute(roster.ctx.db);
    const patched = (await api.patch('same-shape', { email: 'zoe@example.com' })).json();
    const got = await api.get('same-shape');
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.json()).toEqual(patched);
    expect(Object.keys(got.json())).toEqual(Object.keys(session.json()));
    expect(got.json()).toMatchObject({ created_at: '2026-01-01T00:00:00.123Z', verified_at: '2026-02-03T04:05:06.999Z', date_of_birth: '1970-01-01', last_session_at: '2026-05-06T07:08:09.999Z' });
    const listed = (await api.list('search=same-shape')).json().results[0];
    expect(listed).toEqual(got.json());
  });

  it('answers 404 user_not_found for an unknown vendor_data', async () => {
    const response = await api.get('nobody');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'user_not_found', message: expect.any(String) } });
  });

  it('needs a valid API key', async () => {
    expect(errorOf(await roster.app.inject({ method: 'GET', url: '/v3/users/x/' })).code).toBe('missing_api_key');
    expect((await roster.app.inject({ method: 'GET', url: '/v3/users/x/', headers: { 'x-api-key': 'rk_wrong' } })).statusCode).toBe(401);
  });
});

describe('PATCH /v3/users/{vendor_data}/', () => {
  it('changes the fields sent, replaces metadata whole and audits each changed field from → to', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'patch-1', display_name: 'Old', email: 'old@example.com', metadata: { a: 1, b: 2 } });
    const response = await api.patch('patch-1', { display_name: 'New', metadata: { c: 3 }, email: 'old@example.com' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ display_name: 'New', effective_name: 'New', email: 'old@example.com', metadata: { c: 3 } });
    expect(response.json().updated_at > (user.updated_at as string)).toBe(true);
    const [entry] = await auditOf('user.updated', user.didit_internal_id);
    // The entry says what changed, from → to (docs/import-ledger.md#per-user-history): unchanged fields (email) are not listed.
    expect(entry.details).toEqual({ vendor_data: 'patch-1', fields: ['display_name', 'metadata'], changes: { display_name: { from: 'Old', to: 'New' }, metadata: { from: { a: 1, b: 2 }, to: { c: 3 } } } });
  });

  it('writes nothing and keeps updated_at when nothing changes', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'patch-same', tags: ['a', 'b'], metadata: { x: { y: 1 }, z: 2 } });
    const response = await api.patch('patch-same', { tags: ['a', 'b'], metadata: { z: 2, x: { y: 1 } }, vendor_data: 'patch-same' });
    expect(response.statusCode).toBe(200);
    expect(response.json().updated_at).toBe(user.updated_at);
    expect(await auditOf('user.updated', user.didit_internal_id)).toHaveLength(0);
  });

  it('clears a field sent as null', async () => {
    await createdUser(roster, tenant, { vendor_data: 'patch-null', display_name: 'Cleared', full_name: 'Full Name' });
    const response = await api.patch('patch-null', { display_name: null });
    expect(response.json()).toMatchObject({ display_name: null, effective_name: 'Full Name' });
  });

  it('refuses to change vendor_data with 422 vendor_data_immutable', async () => {
    await createdUser(roster, tenant, { vendor_data: 'immutable-1' });
    const response = await api.patch('immutable-1', { vendor_data: 'renamed' });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).code).toBe('vendor_data_immutable');
    expect((await api.get('immutable-1')).statusCode).toBe(200);
  });

  it('sends status changes to update-status, which takes a reason', async () => {
    await createdUser(roster, tenant, { vendor_data: 'patch-status' });
    const response = await api.patch('patch-status', { status: 'BLOCKED' });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).code).toBe('status_requires_reason');
    expect((await api.patch('patch-status', { status: 'ACTIVE' })).statusCode).toBe(200);
  });

  it('refuses to change verified fields once an approved session set them, but accepts the same values', async () => {
    await createdUser(roster, tenant, { vendor_data: 'verified-1', full_name: 'Typed Name' });
    await api.session('verified-1', { session_id: 'verify-1', status: 'APPROVED', full_name: 'Verified Name', date_of_birth: '1980-01-02' });
    const response = await api.patch('verified-1', { full_name: 'Other Name', date_of_birth: '1981-01-01', display_name: 'Nick' });
    expect(response.statusCode).toBe(422);
    expect(errorOf(response).details?.map((detail) => [detail.field, detail.code])).toEqual([
      ['full_name', 'verified_field'],
      ['date_of_birth', 'verified_field'],
    ]);
    expect((await api.get('verified-1')).json()).toMatchObject({ full_name: 'Verified Name', display_name: null });
    expect((await api.patch('verified-1', { full_name: 'Verified Name', display_name: 'Nick' })).json().display_name).toBe('Nick');
  });

  it('validates like create and answers 404 for an unknown user', async () => {
    await createdUser(roster, tenant, { vendor_data: 'patch-invalid' });
    expect(errorOf(await api.patch('patch-invalid', { country: 'ZZZ' })).code).toBe('invalid_country');
    expect((await api.patch('nobody', { display_name: 'x' })).statusCode).toBe(404);
  });
});

describe('PATCH /v3/users/{vendor_data}/update-status/', () => {
  it('sets the status and audits from, to and reason', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'status-1' });
    const response = await api.updateStatus('status-1', { status: 'flagged', reason: 'Chargeback on order 1234' });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('FLAGGED');
    const [entry] = await auditOf('user.status_changed', user.didit_internal_id);
    expect(entry.details).toEqual({ vendor_data: 'status-1', from: 'ACTIVE', to: 'FLAGGED', reason: 'Chargeback on order 1234', changes: { status: { from: 'ACTIVE', to: 'FLAGGED' } } });
  });

  it('requires a reason of at most 500 characters and a known status', async () => {
    await createdUser(roster, tenant, { vendor_data: 'status-2' });
    expect(errorOf(await api.updateStatus('status-2', { status: 'BLOCKED' })).code).toBe('missing_reason');
    expect(errorOf(await api.updateStatus('status-2', { status: 'BLOCKED', reason: '   ' })).code).toBe('missing_reason');
    expect(errorOf(await api.updateStatus('status-2', { status: 'BLOCKED', reason: 'x'.repeat(501) })).code).toBe('reason_too_long');
    expect(errorOf(await api.updateStatus('status-2', { status: 'DELETED', reason: 'x' })).code).toBe('invalid_status');
    expect(errorOf(await api.updateStatus('status-2', { reason: 'x' })).code).toBe('missing_status');
    expect((await api.get('status-2')).json().status).toBe('ACTIVE');
  });

  it('writes nothing when the status is already the one asked for', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'status-same' });
    const response = await api.updateStatus('status-same', { status: 'ACTIVE', reason: 'no-op' });
    expect(response.json().updated_at).toBe(user.updated_at);
    expect(await auditOf('user.status_changed', user.didit_internal_id)).toHaveLength(0);
  });
});

describe('POST /v3/users/delete/', () => {
  it('deletes by vendor_data_list, counts only what existed, and is idempotent', async () => {
    await createdUser(roster, tenant, { vendor_data: 'del-1' });
    await createdUser(roster, tenant, { vendor_data: 'del-2' });
    const first = await api.remove({ vendor_data_list: ['del-1', 'del-2', 'del-missing', 'del-1'] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ deleted: 2 });
    expect((await api.get('del-1')).statusCode).toBe(404);
    expect((await api.remove({ vendor_data_list: ['del-1', 'del-2'] })).json()).toEqual({ deleted: 0 });
  });

  it('deletes by didit_internal_id_list and audits the count and ids', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'del-by-id' });
    const response = await api.remove({ didit_internal_id_list: [user.didit_internal_id.toUpperCase()] });
    expect(response.json()).toEqual({ deleted: 1 });
    const entries = await auditOf('user.deleted');
    expect(entries.at(-1)?.details).toMatchObject({ count: 1, didit_internal_ids: [user.didit_internal_id] });
  });

  it('needs exactly one list, of at most 1,000 well-formed ids', async () => {
    expect(errorOf(await api.remove({})).code).toBe('exactly_one_list');
    expect(errorOf(await api.remove({ vendor_data_list: ['a'], didit_internal_id_list: [] })).code).toBe('exactly_one_list');
    expect(errorOf(await api.remove({ vendor_data_list: Array.from({ length: 1001 }, (_, i) => `u-${i}`) })).code).toBe('too_many_ids');
    expect(errorOf(await api.remove({ didit_internal_id_list: ['not-a-uuid'] })).code).toBe('invalid_didit_internal_id');
    expect(errorOf(await api.remove({ vendor_data_list: 'del-1' })).code).toBe('invalid_list');
    expect(errorOf(await api.remove({ vendor_data_list: [42] })).code).toBe('invalid_vendor_data');
    expect((await api.remove({ vendor_data_list: [] })).json()).toEqual({ deleted: 0 });
    expect((await api.remove({ vendor_data_list: Array.from({ length: 1000 }, (_, i) => `u-${i}`) })).json()).toEqual({ deleted: 0 });
  });
});

describe('tenant isolation', () => {
  it("never lets another application's key read, change, delete or report sessions for this application's users", async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'private-1', display_name: 'Mine' });
    expect((await otherApi.get('private-1')).statusCode).toBe(404);
    expect((await otherApi.patch('private-1', { display_name: 'Stolen' })).statusCode).toBe(404);
    expect((await otherApi.updateStatus('private-1', { status: 'BLOCKED', reason: 'x' })).statusCode).toBe(404);
    expect((await otherApi.session('private-1', { session_id: 'x-1', status: 'APPROVED' })).statusCode).toBe(404);
    expect((await otherApi.remove({ vendor_data_list: ['private-1'] })).json()).toEqual({ deleted: 0 });
    expect((await otherApi.remove({ didit_internal_id_list: [user.didit_internal_id] })).json()).toEqual({ deleted: 0 });
    expect((await otherApi.list()).json().results.map((row: { vendor_data: string }) => row.vendor_data)).not.toContain('private-1');
    expect((await api.get('private-1')).json()).toMatchObject({ display_name: 'Mine', status: 'ACTIVE', session_count: 0 });
  });
});
