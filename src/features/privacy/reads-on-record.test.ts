import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { readsOnRecord } from '../audit/index.ts';

/** Reads on record (docs/privacy.md#reads-on-record): every read of users' data names them in one audit entry. */

let roster: TestRoster;
let tenant: TestTenant;
let ids: string[];

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  const { rows } = await sql<{ didit_internal_id: string }>`
    INSERT INTO users (app_id, vendor_data, full_name, email, created_at)
    SELECT ${tenant.appId}::uuid, 'read-' || n, 'Person ' || n, 'person' || n || '@mail.test', timestamptz '2026-01-01' + n * interval '1 minute'
      FROM generate_series(1, 60) n RETURNING didit_internal_id`.execute(roster.ctx.db);
  ids = rows.map((row) => row.didit_internal_id);
});

afterAll(async () => {
  await roster?.close();
});

const get = (url: string, headers: Record<string, string>) => roster.app.inject({ method: 'GET', url, headers });

/** The read entries written so far (the queue is flushed first, so what is not here was never queued). */
async function readEntries(action: string) {
  await readsOnRecord(roster.ctx.db, roster.ctx.log).flush();
  return roster.ctx.db.selectFrom('audit_logs').select(['id', 'actor_label', 'target_id', 'subject_ids', 'details']).where('action', '=', action).orderBy('id').execute();
}

describe('reads on record', () => {
  it('a list page of 50 users writes one users.listed entry naming the 50, found from any of them', async () => {
    const admin = tenant.operators.ADMIN;
    const before = (await readEntries('users.listed')).length;
    const page = await get(`/api/console/apps/${tenant.appId}/users?page_size=50&search=person`, admin.auth);
    expect(page.statusCode).toBe(200);
    const shown = (page.json().results as { didit_internal_id: string }[]).map((user) => user.didit_internal_id);
    expect(shown).toHaveLength(50);

    const entries = (await readEntries('users.listed')).slice(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actor_label).toBe(admin.email);
    expect([...entries[0]!.subject_ids!].sort()).toEqual([...shown].sort());
    // The search's value is not on record (it may be a person's email), only that a search was used.
    expect(entries[0]!.details).toEqual({ count: 50, filters: ['search'], redacted: false });

    // A user's history (target_id) and the "Who viewed" filter both find the read.
    const history = (await get(`/api/console/audit-logs?target_id=${shown[17]}`, tenant.operators.COMPLIANCE_OFFICER.auth)).json();
    expect(history.results.map((entry: { id: string }) => entry.id)).toContain(String(entries[0]!.id));
    const viewed = (await get(`/api/console/audit-logs?viewed=${shown[17]}`, tenant.operators.COMPLIANCE_OFFICER.auth)).json();
    expect(viewed.results).toEqual([expect.objectContaining({ action: 'users.listed', actor: expect.objectContaining({ label: admin.email }), subjects: expect.arrayContaining([shown[17]]) })]);
    const notShown = ids.find((id) => !shown.includes(id))!;
    expect((await get(`/api/console/audit-logs?viewed=${notShown}`, tenant.operators.COMPLIANCE_OFFICER.auth)).json().results).toEqual([]);
  });

  it("puts a READER's read on record too, marked redacted", async () => {
    const reader = tenant.operators.READER;
    const before = (await readEntries('users.listed')).length;
    expect((await get(`/api/console/apps/${tenant.appId}/users?page_size=10`, reader.auth)).statusCode).toBe(200);
    const entries = (await readEntries('users.listed')).slice(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_label: reader.email, details: { count: 10, filters: [], redacted: true } });
    expect(entries[0]!.subject_ids).toHaveLength(10);
  });

  it('a user page writes user.viewed with the user as target; an empty page writes nothing', async () => {
    const officer = tenant.operators.COMPLIANCE_OFFICER;
    const before = (await readEntries('user.viewed')).length;
    expect((await get(`/api/console/apps/${tenant.appId}/users/${ids[3]}`, officer.auth)).statusCode).toBe(200);
    const entries = (await readEntries('user.viewed')).slice(before);
    expect(entries).toEqual([expect.objectContaining({ actor_label: officer.email, target_id: ids[3], details: { count: 1, faces: 0, redacted: false } })]);

    const listed = (await readEntries('users.listed')).length;
    expect((await get(`/api/console/apps/${tenant.appId}/users?search=nobody-matches`, officer.auth)).json().results).toEqual([]);
    expect(await readEntries('users.listed')).toHaveLength(listed);
  });

  it('the console change feed names the users of its page', async () => {
    await roster.app.inject({ method: 'PATCH', url: '/v3/users/read-5/', headers: tenant.keyAuth, payload: { email: 'changed5@mail.test' } });
    const before = (await readEntries('user_changes.listed')).length;
    const page = await get(`/api/console/apps/${tenant.appId}/changes?after=0`, tenant.operators.OWNER.auth);
    expect(page.statusCode).toBe(200);
    const entries = (await readEntries('user_changes.listed')).slice(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.subject_ids).toEqual([ids[4]]);
  });

  it('reads with an API key are not on record unless AUDIT_API_READS=true', async () => {
    const listed = (await readEntries('users.listed')).length;
    const viewed = (await readEntries('user.viewed')).length;
    expect((await get('/v3/users/?page_size=5', tenant.keyAuth)).statusCode).toBe(200);
    expect((await get('/v3/users/read-1/', tenant.keyAuth)).statusCode).toBe(200);
    expect(await readEntries('users.listed')).toHaveLength(listed);
    expect(await readEntries('user.viewed')).toHaveLength(viewed);

    const recording = await startTestRoster({ AUDIT_API_READS: 'true' });
    try {
      const other = await createTestTenant(recording.ctx);
      const created = await recording.app.inject({ method: 'POST', url: '/v3/users/create/', headers: other.keyAuth, payload: { vendor_data: 'api-read' } });
      const userId = created.json().didit_internal_id as string;
      expect((await recording.app.inject({ method: 'GET', url: '/v3/users/?page_size=5', headers: other.keyAuth })).statusCode).toBe(200);
      expect((await recording.app.inject({ method: 'GET', url: '/v3/users/api-read/', headers: other.keyAuth })).statusCode).toBe(200);
      await readsOnRecord(recording.ctx.db, recording.ctx.log).flush();
      const entries = await recording.ctx.db.selectFrom('audit_logs').select(['action', 'actor_type', 'target_id', 'subject_ids']).where('action', 'in', ['users.listed', 'user.viewed']).orderBy('id').execute();
      expect(entries).toEqual([
        { action: 'users.listed', actor_type: 'api_key', target_id: null, subject_ids: [userId] },
        { action: 'user.viewed', actor_type: 'api_key', target_id: userId, subject_ids: null },
      ]);
    } finally {
      await recording.close();
    }
  });
});
