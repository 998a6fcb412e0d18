import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { csvText, getImportView, importsUrl, previewOf, startAndFinish, templateHeader } from '../../../test/support/imports.ts';
import { pruneChanges } from './index.ts';
import { feedPage, ledgerChanges, readWholeFeed } from '../../../test/support/user-changes.ts';
import { createdUser, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the change feed', () => {
  it('numbers every change from every path 1, 2, 3… and matches the ledger', async () => {
    const api = usersApi(roster, tenant);
    const owner = tenant.operators.OWNER;
    const ana = await createdUser(roster, tenant, { vendor_data: 'ana', email: 'ana@example.com', tags: ['a'] });
    expect((await api.patch('ana', { email: 'ana@new.example.com' })).statusCode).toBe(200);
    expect((await api.updateStatus('ana', { status: 'FLAGGED', reason: 'Manual review' })).statusCode).toBe(200);
    expect((await api.session('ana', { session_id: 's-1', status: 'APPROVED', full_name: 'Ana López' })).statusCode).toBe(200);
    const consoleEdit = await roster.app.inject({ method: 'PATCH', url: `/api/console/apps/${tenant.appId}/users/${ana.didit_internal_id}`, headers: owner.auth, payload: { display_name: 'Ana' } });
    expect(consoleEdit.statusCode).toBe(200);

    const ready = await previewOf(roster, tenant, csvText([templateHeader, ['ana', '', '', '', '', 'ESP', '', '', ''], ['bea', 'Bea', '', '', '', '', '', '', ''], ['cai', 'Cai', '', '', '', '', '', '', '']]));
    await startAndFinish(roster, tenant, ready.id);
    expect((await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/revert`), headers: tenant.operators.ADMIN.auth })).statusCode).toBe(202);
    await until('the revert', async () => ((await getImportView(roster, tenant, ready.id)).revert_status === 'completed' ? true : undefined));

    const bulk = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/users/bulk-actions`, headers: owner.auth, payload: { action: 'add_tag', ids: [ana.didit_internal_id], tag: 'vip' } });
    expect(bulk.statusCode).toBe(202);
    await until('the bulk action', async () => {
      const view = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users/bulk-actions/${bulk.json().id}`, headers: owner.auth })).json();
      return view.status === 'completed' ? true : undefined;
    });
    expect((await api.remove({ vendor_data_list: ['ana'] })).json()).toEqual({ deleted: 1 });

    const feed = await readWholeFeed(roster, tenant);
    expect(feed.map((change) => change.seq)).toEqual(feed.map((_, index) => index + 1));
    expect(feed.map((change) => [change.type, change.vendor_data, change.source.kind])).toEqual([
      ['user.created', 'ana', 'api'],
      ['user.updated', 'ana', 'api'],
      ['user.status_changed', 'ana', 'api'],
      ['user.updated', 'ana', 'session'],
      ['user.updated', 'ana', 'console'],
      // The import's chunk: its entries in ledger order (updates, then creates).
      ['user.updated', 'ana', 'import'],
      ['user.created', 'bea', 'import'],
      ['user.created', 'cai', 'import'],
      ['user.updated', 'ana', 'revert'],
      ['user.deleted', 'bea', 'revert'],
      ['user.deleted', 'cai', 'revert'],
      ['user.updated', 'ana', 'bulk'],
      ['user.deleted', 'ana', 'api'],
    ]);
    const [created, patched, status, session, edited, imported] = feed;
    expect(created).toMatchObject({ actor: { type: 'api_key' }, changes: { email: { from: null, to: 'ana@example.com' } }, user: { vendor_data: 'ana', email: 'ana@example.com' } });
    expect(created.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(patched).toMatchObject({ changes: { email: { from: 'ana@example.com', to: 'ana@new.example.com' } }, user: { email: 'ana@new.example.com' } });
    expect(status).toMatchObject({ reason: 'Manual review', changes: { status: { from: 'ACTIVE', to: 'FLAGGED' } }, user: { status: 'FLAGGED' } });
    expect(session).toMatchObject({ source: { kind: 'session', id: 's-1' }, changes: { full_name: { from: null, to: 'Ana López' }, session_count: { from: 0, to: 1 } } });
    expect(edited).toMatchObject({ actor: { type: 'operator', id: owner.id }, changes: { display_name: { from: null, to: 'Ana' } } });
    expect(imported).toMatchObject({ source: { kind: 'import', id: ready.id }, changes: { country: { from: null, to: 'ESP' } }, user: { country: 'ESP' } });
    expect(feed.at(-1)).toMatchObject({ user: null, didit_internal_id: ana.didit_internal_id });

    const fromLedger = await ledgerChanges(roster, tenant);
    const key = ([type, id]: [string, string]) => `${type} ${id}`;
    expect(feed.map((change) => key([change.type, change.didit_internal_id])).sort()).toEqual(fromLedger.map(key).sort());

    // Paging: small pages join up to the same feed; a page past the end is empty and keeps the cursor.
    const first = await feedPage(roster, tenant, 0, 5);
    expect(first).toMatchObject({ next_after: 5, has_more: true });
    expect(await feedPage(roster, tenant, 13, 5)).toEqual({ results: [], next_after: 13, has_more: false });
  });

  it('is readable by operators, newest first, with personal data withheld from DEVELOPER and READER', async () => {
    const url = `/api/console/apps/${tenant.appId}/changes`;
    const full = (await roster.app.inject({ method: 'GET', url: `${url}?order=desc&limit=3`, headers: tenant.operators.ADMIN.auth })).json();
    expect(full.results.map((change: { seq: number }) => change.seq)).toEqual([13, 12, 11]);
    expect(full).toMatchObject({ next_before: 11, has_more: true });
    const reader = (await roster.app.inject({ method: 'GET', url: `${url}?after=0&limit=2`, headers: tenant.operators.READER.auth })).json();
    expect(reader.results[0]).toMatchObject({ seq: 1, changes: { email: { from: null, to: null } }, user: { email: null, vendor_data: 'ana' } });
    expect(reader.results[0].redacted).toContain('email');
    expect(reader.next_after).toBe(2);
    const bad = await roster.app.inject({ method: 'GET', url: `/v3/user-changes/?limit=1001`, headers: tenant.keyAuth });
    expect(bad.statusCode).toBe(400);
  });

  it('prunes changes past CHANGE_FEED_RETENTION from the front; an older cursor answers 410 cursor_expired', async () => {
    const other = await createTestTenant(roster.ctx);
    for (const name of ['p1', 'p2', 'p3', 'p4']) await createdUser(roster, other, { vendor_data: name });
    await sql`UPDATE user_changes SET occurred_at = now() - interval '100 days' WHERE app_id = ${other.appId}::uuid AND seq IN (1, 2, 4)`.execute(roster.ctx.db);
    const before = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM user_changes`.execute(roster.ctx.db)).rows[0]!.n);
    await pruneChanges(roster.ctx.db, new Date(Date.now() - 90 * 86_400_000));
    // Only the prefix goes: seq 4 waits behind seq 3, so no cursor can skip a change.
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM user_changes`.execute(roster.ctx.db)).rows[0]!.n)).toBe(before - 2);
    const expired = await roster.app.inject({ method: 'GET', url: '/v3/user-changes/?after=1', headers: other.keyAuth });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('cursor_expired');
    expect((await feedPage(roster, other, 2)).results.map((change) => change.vendor_data)).toEqual(['p3', 'p4']);
    // The first tenant's feed is untouched.
    expect((await feedPage(roster, tenant, 0, 1)).results[0]!.seq).toBe(1);
  });
});
