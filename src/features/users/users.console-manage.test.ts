import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, errorOf, usersApi } from '../../../test/support/users.ts';
import { EXACT_COUNT_LIMIT } from './users-count.ts';

let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

type Role = keyof TestTenant['operators'];
const call = (role: Role, method: 'GET' | 'PATCH' | 'DELETE' | 'POST', url: string, payload?: Record<string, unknown>, who: TestTenant = tenant) =>
  roster.app.inject({ method, url, payload, headers: who.operators[role].auth });
const usersUrl = (suffix = '', appId = tenant.appId) => `/api/console/apps/${appId}/users${suffix}`;

async function auditOf(targetId: string) {
  return roster.ctx.db.selectFrom('audit_logs').selectAll().where('target_id', '=', targetId).orderBy('id').execute();
}

describe('editing and deleting a user from the console', () => {
  it('edits profile fields, tags and metadata through the users service, audited with the operator', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'edit-me', display_name: 'Old', tags: ['a'] });
    const response = await call('COMPLIANCE_OFFICER', 'PATCH', usersUrl(`/${user.didit_internal_id}`), { display_name: 'New', email: 'new@example.com', tags: ['a', 'b'], metadata: { tier: 2 } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ display_name: 'New', email: 'new@example.com', tags: ['a', 'b'], metadata: { tier: 2 } });
    const entries = await auditOf(user.didit_internal_id);
    expect(entries.at(-1)).toMatchObject({ action: 'user.updated', actor_type: 'operator', actor_id: tenant.operators.COMPLIANCE_OFFICER.id });
  });

  it('answers 422 with every problem and changes nothing on invalid input, including metadata that is not an object', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'bad-edit', email: 'keep@example.com' });
    const response = await call('ADMIN', 'PATCH', usersUrl(`/${user.didit_internal_id}`), { email: 'nope', metadata: [1, 2], vendor_data: 'other' });
    expect(response.statusCode).toBe(422);
    const codes = errorOf(response).details!.map((detail) => detail.code);
    expect(codes).toEqual(expect.arrayContaining(['invalid_email', 'invalid_metadata']));
    expect((await usersApi(roster, tenant).get('bad-edit')).json().email).toBe('keep@example.com');
  });

  it('lets only OWNER, ADMIN and COMPLIANCE_OFFICER edit or delete', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'role-check' });
    for (const role of ['DEVELOPER', 'READER'] as const) {
      expect((await call(role, 'PATCH', usersUrl(`/${user.didit_internal_id}`), { display_name: 'x' })).statusCode).toBe(403);
      expect((await call(role, 'DELETE', usersUrl(`/${user.didit_internal_id}`))).statusCode).toBe(403);
    }
  });

  it("does not reach another organization's users, nor its application", async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'not-yours' });
    expect((await call('OWNER', 'PATCH', usersUrl(`/${user.didit_internal_id}`), { display_name: 'x' }, outsider)).statusCode).toBe(404);
    expect((await call('OWNER', 'DELETE', usersUrl(`/${user.didit_internal_id}`), undefined, outsider)).statusCode).toBe(404);
    expect((await call('OWNER', 'DELETE', usersUrl(`/${user.didit_internal_id}`, outsider.appId), undefined, outsider)).statusCode).toBe(404);
    expect((await usersApi(roster, tenant).get('not-yours')).statusCode).toBe(200);
  });

  it('deletes a user with an audit entry; a second delete is a 404', async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'delete-me' });
    const response = await call('OWNER', 'DELETE', usersUrl(`/${user.didit_internal_id}`));
    expect(response.json()).toEqual({ deleted: 1 });
    expect((await usersApi(roster, tenant).get('delete-me')).statusCode).toBe(404);
    const deleted = await roster.ctx.db.selectFrom('audit_logs').selectAll().where('action', '=', 'user.deleted').where('app_id', '=', tenant.appId).execute();
    expect(JSON.stringify(deleted.map((entry) => entry.details))).toContain(user.didit_internal_id);
    expect((await call('OWNER', 'DELETE', usersUrl(`/${user.didit_internal_id}`))).statusCode).toBe(404);
  });
});

describe('the users count', () => {
  it('counts exactly with the list filters, for every role, and checks the tenant', async () => {
    const other = await createTestTenant(roster.ctx);
    for (let index = 0; index < 5; index += 1) await createdUser(roster, other, { vendor_data: `count-${index}`, country: index < 3 ? 'ESP' : 'FRA' });
    expect((await call('READER', 'GET', usersUrl('/count', other.appId), undefined, other)).json()).toEqual({ count: 5, exact: true });
    expect((await call('READER', 'GET', usersUrl('/count?country=ESP', other.appId), undefined, other)).json()).toEqual({ count: 3, exact: true });
    expect((await call('READER', 'GET', usersUrl('/count?country=XX', other.appId), undefined, other)).statusCode).toBe(400);
    expect((await call('OWNER', 'GET', usersUrl('/count', other.appId))).statusCode).toBe(404);
  });

  it(`estimates beyond ${EXACT_COUNT_LIMIT.toLocaleString('en')} and says so`, async () => {
    const big = await createTestTenant(roster.ctx);
    await roster.ctx.database.pool.query(
      `INSERT INTO ${roster.schema}.users (app_id, vendor_data) SELECT $1, 'bulk-' || n FROM generate_series(1, ${EXACT_COUNT_LIMIT + 500}) AS n`,
      [big.appId],
    );
    await roster.ctx.database.pool.query(`ANALYZE ${roster.schema}.users`);
    const body = (await call('READER', 'GET', usersUrl('/count', big.appId), undefined, big)).json();
    expect(body.exact).toBe(false);
    expect(body.count).toBeGreaterThan(EXACT_COUNT_LIMIT);
    expect(body.count).toBeLessThan((EXACT_COUNT_LIMIT + 500) * 3);
  });
});

describe('sorting the console users list', () => {
  let sorted: TestTenant;
  beforeAll(async () => {
    sorted = await createTestTenant(roster.ctx);
    const names = ['delta', 'Alpha', 'charlie', null, 'bravo', null, 'echo'];
    for (const [index, name] of names.entries()) await createdUser(roster, sorted, { vendor_data: `s-${String(7 - index).padStart(2, '0')}`, display_name: name });
    await usersApi(roster, sorted).session('s-03', { session_id: 'x1', status: 'DECLINED', completed_at: '2026-01-02T00:00:00Z' });
    await usersApi(roster, sorted).session('s-05', { session_id: 'x2', status: 'DECLINED', completed_at: '2026-03-02T00:00:00Z' });
  });

  async function walk(sort: string, pageSize = 2): Promise<string[]> {
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const response = await call('READER', 'GET', usersUrl(`?sort=${sort}&page_size=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`, sorted.appId), undefined, sorted);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      seen.push(...body.results.map((user: { vendor_data: string }) => user.vendor_data));
      if (!body.next) return seen;
      cursor = body.next;
    }
  }

  it('sorts by vendor_data both ways, paging with a cursor that follows the sort', async () => {
    expect(await walk('vendor_data')).toEqual(['s-01', 's-02', 's-03', 's-04', 's-05', 's-06', 's-07']);
    expect(await walk('-vendor_data', 3)).toEqual(['s-07', 's-06', 's-05', 's-04', 's-03', 's-02', 's-01']);
  });

  it('sorts by name (display name, else full name) with nameless users last, and by last activity', async () => {
    const byName = await walk('name');
    expect(byName.slice(0, 5)).toEqual(['s-06', 's-03', 's-05', 's-07', 's-01']);
    expect(byName.slice(5).sort()).toEqual(['s-02', 's-04']);
    const byActivity = await walk('-last_activity_at');
    expect(byActivity.slice(0, 2)).toEqual(['s-05', 's-03']);
    expect(byActivity).toHaveLength(7);
  });

  it('keeps newest first by default and refuses a cursor from another sort', async () => {
    expect(await walk('-created_at')).toEqual(['s-01', 's-02', 's-03', 's-04', 's-05', 's-06', 's-07']);
    const first = (await call('READER', 'GET', usersUrl('?sort=vendor_data&page_size=2', sorted.appId), undefined, sorted)).json();
    const mixed = await call('READER', 'GET', usersUrl(`?sort=name&cursor=${first.next}`, sorted.appId), undefined, sorted);
    expect(mixed.statusCode).toBe(400);
    expect(errorOf(mixed).code).toBe('invalid_cursor');
    expect((await call('READER', 'GET', usersUrl('?sort=email', sorted.appId), undefined, sorted)).statusCode).toBe(400);
  });
});
