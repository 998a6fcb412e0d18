import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../../test/harness.ts';
import { createdUser, errorOf, tinyPng, usersApi } from '../../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster({ ROSTER_BULK_CHUNK_USERS: '7' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

type Role = keyof TestTenant['operators'];
const bulkUrl = (appId = tenant.appId) => `/api/console/apps/${appId}/users/bulk-actions`;
const request = (body: Record<string, unknown>, role: Role = 'COMPLIANCE_OFFICER', who: TestTenant = tenant, appId = who.appId) =>
  roster.app.inject({ method: 'POST', url: bulkUrl(appId), payload: body, headers: who.operators[role].auth });

async function finished(id: string, who: TestTenant = tenant) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = (await roster.app.inject({ method: 'GET', url: `${bulkUrl(who.appId)}/${id}`, headers: who.operators.OWNER.auth })).json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`bulk action ${id} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function seed(who: TestTenant, prefix: string, count: number, extra: (index: number) => Record<string, unknown> = () => ({})) {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) ids.push((await createdUser(roster, who, { vendor_data: `${prefix}-${index}`, ...extra(index) })).didit_internal_id);
  return ids;
}

const entriesOf = (bulkActionId: string) =>
  roster.ctx.db.selectFrom('audit_logs').selectAll().where(({ ref }) => ref('details', '->>').key('bulk_action_id' as never), '=', bulkActionId).execute();

describe('bulk actions on users', () => {
  it('flags every user matching the filters, in chunks, with one audit entry per changed user carrying the change', async () => {
    await seed(tenant, 'flag', 20, (index) => ({ country: index < 16 ? 'ESP' : 'FRA', status: index === 0 ? 'FLAGGED' : 'ACTIVE' }));
    const response = await request({ action: 'set_status', filters: { country: ['ESP'] }, status: 'FLAGGED', reason: 'Sanctions list hit' });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ status: 'queued', total: 16, processed: 0 });
    const done = await finished(response.json().id);
    expect(done).toMatchObject({ status: 'completed', total: 16, processed: 16, changed: 15 });
    const flagged = await usersApi(roster, tenant).list('status=FLAGGED&page_size=200');
    expect(flagged.json().results).toHaveLength(16);
    const entries = await entriesOf(done.id);
    expect(entries).toHaveLength(15);
    expect(new Set(entries.map((entry) => entry.target_id)).size).toBe(15);
    expect(entries[0]).toMatchObject({ action: 'user.status_changed', actor_type: 'operator', actor_id: tenant.operators.COMPLIANCE_OFFICER.id, target_type: 'user' });
    expect(entries[0].details).toMatchObject({ reason: 'Sanctions list hit', changes: { status: { from: 'ACTIVE', to: 'FLAGGED' } } });
  });

  it('adds and removes a tag on checked users only, leaving users that already had it alone', async () => {
    const ids = await seed(tenant, 'tag', 10, (index) => ({ tags: index < 2 ? ['vip'] : [] }));
    const checked = ids.slice(0, 5);
    const added = await finished((await request({ action: 'add_tag', ids: checked, tag: 'vip' })).json().id);
    expect(added).toMatchObject({ total: 5, processed: 5, changed: 3 });
    const tagged = (await usersApi(roster, tenant).list('tags=vip&search=tag-&page_size=200')).json().results.map((user: { vendor_data: string }) => user.vendor_data).sort();
    expect(tagged).toEqual(['tag-0', 'tag-1', 'tag-2', 'tag-3', 'tag-4']);
    const [entry] = await entriesOf(added.id);
    expect(entry.details).toMatchObject({ changes: { tags: { from: [], to: ['vip'] } } });
    const removed = await finished((await request({ action: 'remove_tag', filters: { tags: ['vip'], search: 'tag-' }, tag: 'vip' })).json().id);
    expect(removed).toMatchObject({ total: 5, changed: 5 });
    expect((await usersApi(roster, tenant).list('tags=vip&search=tag-')).json().results).toEqual([]);
  });

  it('deletes the selection with its faces, one user.deleted entry each', async () => {
    const ids = await seed(tenant, 'gone', 9);
    await usersApi(roster, tenant).uploadFace(ids[0], { image: tinyPng().toString('base64') });
    const done = await finished((await request({ action: 'delete', filters: { search: 'gone-' } }, 'OWNER')).json().id);
    expect(done).toMatchObject({ total: 9, processed: 9, changed: 9 });
    expect((await usersApi(roster, tenant).list('search=gone-')).json().results).toEqual([]);
    expect((await entriesOf(done.id)).map((entry) => entry.action)).toEqual(Array(9).fill('user.deleted'));
    expect(await roster.ctx.db.selectFrom('faces').select('storage_key').where('user_id', 'in', ids).execute()).toEqual([]);
  });

  it('asks for a reason, a valid status, a tag and exactly one selection; nothing is queued otherwise', async () => {
    const [id] = await seed(tenant, 'invalid', 1);
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'set_status', ids: [id], status: 'FLAGGED' }, 'missing_reason'],
      [{ action: 'set_status', ids: [id], status: 'ASLEEP', reason: 'x' }, 'invalid_status'],
      [{ action: 'add_tag', ids: [id] }, 'missing_tag'],
      [{ action: 'add_tag', ids: [id], tag: 'a,b' }, 'invalid_tags'],
      [{ action: 'delete' }, 'exactly_one_selection'],
      [{ action: 'delete', ids: [id], filters: {} }, 'exactly_one_selection'],
      [{ action: 'delete', ids: ['not-a-uuid'] }, 'invalid_ids'],
      [{ action: 'delete', filters: { country: ['XX'] } }, 'invalid_filter'],
      [{ action: 'explode', ids: [id] }, 'invalid_action'],
    ];
    const before = await roster.ctx.db.selectFrom('user_bulk_actions').select('id').execute();
    for (const [body, code] of cases) {
      const response = await request(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(errorOf(response).details!.map((detail) => detail.code), JSON.stringify(body)).toContain(code);
    }
    expect(await roster.ctx.db.selectFrom('user_bulk_actions').select('id').execute()).toHaveLength(before.length);
  });

  it('is for the import roles only, and never touches another organization', async () => {
    const [id] = await seed(tenant, 'guarded', 1);
    for (const role of ['DEVELOPER', 'READER'] as const) expect((await request({ action: 'delete', ids: [id] }, role)).statusCode).toBe(403);
    // Another organization's operator: its application path is refused, and ids of this tenant select nothing in its own.
    expect((await request({ action: 'delete', ids: [id] }, 'OWNER', outsider, tenant.appId)).statusCode).toBe(404);
    const foreign = await request({ action: 'delete', ids: [id] }, 'OWNER', outsider);
    expect(errorOf(foreign).code).toBe('empty_selection');
    expect((await usersApi(roster, tenant).get('guarded-0')).statusCode).toBe(200);
    const mine = (await request({ action: 'delete', ids: [id] }, 'OWNER')).json();
    expect((await roster.app.inject({ method: 'GET', url: `${bulkUrl(tenant.appId)}/${mine.id}`, headers: outsider.operators.OWNER.auth })).statusCode).toBe(404);
  });
});
