import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { findApiKey } from './auth.hooks.ts';
import { createApiKey, createConsoleToken } from './tenancy.service.ts';

let roster: TestRoster;
let ours: TestTenant;
let theirs: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  [ours, theirs] = await Promise.all([createTestTenant(roster.ctx, 'ours'), createTestTenant(roster.ctx, 'theirs')]);
});
afterAll(async () => {
  await roster?.close();
});

const asOurOwner = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  roster.app.inject({ method, url, headers: ours.operators.OWNER.auth, payload });

describe('another organization', () => {
  it('has operators we cannot see, change or remove (404)', async () => {
    const target = theirs.operators.READER;
    const listed = (await asOurOwner('GET', '/api/console/operators')).json().results.map((operator: { id: string }) => operator.id);
    expect(listed).not.toContain(target.id);
    expect((await asOurOwner('PATCH', `/api/console/operators/${target.id}`, { role: 'ADMIN' })).statusCode).toBe(404);
    expect((await asOurOwner('DELETE', `/api/console/operators/${target.id}`)).statusCode).toBe(404);
    const untouched = await roster.ctx.db.selectFrom('operators').select(['role', 'removed_at']).where('id', '=', target.id).executeTakeFirstOrThrow();
    expect(untouched).toEqual({ role: 'READER', removed_at: null });
  });

  it('has applications whose API keys we cannot list, create or revoke (404)', async () => {
    const theirKey = await createApiKey(roster.ctx.db, theirs.appId, { name: 'theirs' });
    expect((await asOurOwner('GET', `/api/console/apps/${theirs.appId}/api-keys`)).statusCode).toBe(404);
    expect((await asOurOwner('POST', `/api/console/apps/${theirs.appId}/api-keys`, { name: 'sneaky' })).statusCode).toBe(404);
    expect((await asOurOwner('DELETE', `/api/console/apps/${theirs.appId}/api-keys/${theirKey.id}`)).statusCode).toBe(404);
    // Naming their key under our own application does not reach it either.
    expect((await asOurOwner('DELETE', `/api/console/apps/${ours.appId}/api-keys/${theirKey.id}`)).statusCode).toBe(404);
    expect(await findApiKey(roster.ctx, theirKey.api_key)).toMatchObject({ appId: theirs.appId, orgId: theirs.orgId });
    const sneaky = await roster.ctx.db.selectFrom('api_keys').select('id').where('name', '=', 'sneaky').execute();
    expect(sneaky).toHaveLength(0);
  });

  it('has applications that do not show up in /me or the application list', async () => {
    const me = (await asOurOwner('GET', '/api/console/me')).json();
    expect(me.applications.map((application: { id: string }) => application.id)).toEqual([ours.appId]);
    const apps = (await asOurOwner('GET', '/api/console/apps')).json().results.map((application: { id: string }) => application.id);
    expect(apps).not.toContain(theirs.appId);
  });

  it('has console tokens we cannot revoke', async () => {
    const theirToken = await createConsoleToken(roster.ctx.db, theirs.operators.ADMIN.email, { name: 'theirs' });
    expect((await asOurOwner('DELETE', `/api/console/tokens/${theirToken.id}`)).statusCode).toBe(404);
    const stillThere = await roster.ctx.db.selectFrom('console_tokens').select('revoked_at').where('id', '=', theirToken.id).executeTakeFirstOrThrow();
    expect(stillThere.revoked_at).toBeNull();
  });

  it('has audit entries we never see, whatever the filter', async () => {
    const ourEntryIds = new Set(
      (await roster.ctx.db.selectFrom('audit_logs').select('id').where('org_id', '=', ours.orgId).execute()).map((row) => String(row.id)),
    );
    const everything = (await asOurOwner('GET', '/api/console/audit-logs?limit=200')).json().results as { id: string }[];
    expect(everything.length).toBeGreaterThan(0);
    expect(everything.every((entry) => ourEntryIds.has(entry.id))).toBe(true);

    const byTheirActor = await asOurOwner('GET', `/api/console/audit-logs?actor=${encodeURIComponent(theirs.operators.OWNER.email)}`);
    expect(byTheirActor.json().results).toEqual([]);
    const byTheirTarget = await asOurOwner('GET', `/api/console/audit-logs?target_id=${theirs.operators.READER.id}`);
    expect(byTheirTarget.json().results).toEqual([]);
    const byTheirApp = await asOurOwner('GET', `/api/console/audit-logs?app_id=${theirs.appId}`);
    expect(byTheirApp.statusCode).toBe(404);
  });
});
