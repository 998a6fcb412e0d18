import type { AuditAction } from '../../shared/audit-actions.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createApplication } from '../auth/index.ts';
import { type AuditEntry, recordAudit } from './audit-ledger.ts';
import { auditCursor } from './audit.service.ts';

let roster: TestRoster;
let tenant: TestTenant;
let otherAppId: string;

/** A fresh organization's trail is only the set-up entries; these add a known history on top. */
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  otherAppId = (await createApplication(roster.ctx.db, tenant.orgId, 'Other app')).id;
  const owner = tenant.operators.OWNER;
  const operatorActor = { kind: 'operator' as const, operatorId: owner.id, orgId: tenant.orgId, role: 'OWNER' as const, email: owner.email, name: 'Owner', via: 'token' as const };
  const keyActor = { kind: 'api_key' as const, keyId: '11111111-1111-4111-8111-111111111111', keyPrefix: 'rk_abcdefg', appId: tenant.appId, orgId: tenant.orgId };
  const history: Omit<AuditEntry, 'orgId'>[] = [
    { action: 'import.created', actor: operatorActor, appId: tenant.appId, target: { type: 'import', id: 'imp-1' }, details: { file_name: 'a.csv' } },
    { action: 'import.completed', actor: operatorActor, appId: tenant.appId, target: { type: 'import', id: 'imp-1' }, details: { created: 3 } },
    { action: 'user.created', actor: keyActor, appId: tenant.appId, target: { type: 'user', id: 'user-1' } },
    { action: 'export.requested', actor: operatorActor, appId: otherAppId, target: { type: 'export', id: 'exp-1' } },
    { action: 'import_created_lookalike' as AuditAction, actor: operatorActor, appId: tenant.appId },
  ];
  for (const entry of history) await recordAudit(roster.ctx.db, { orgId: tenant.orgId, ip: '203.0.113.9', ...entry });
  // Two entries at known times, for since/until.
  await roster.ctx.db
    .insertInto('audit_logs')
    .values([
      { org_id: tenant.orgId, actor_type: 'system', actor_label: 'clock', action: 'clock.tick', created_at: new Date('2020-01-01T00:00:00Z') },
      { org_id: tenant.orgId, actor_type: 'system', actor_label: 'clock', action: 'clock.tick', created_at: new Date('2020-01-02T12:00:00Z') },
    ])
    .execute();
});
afterAll(async () => {
  await roster?.close();
});

async function auditLogs(query = '', auth: Record<string, string> = tenant.operators.COMPLIANCE_OFFICER.auth) {
  return roster.app.inject({ method: 'GET', url: `/api/console/audit-logs${query}`, headers: auth });
}

async function actionsFor(query: string): Promise<string[]> {
  const response = await auditLogs(query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().results.map((entry: { action: string }) => entry.action);
}

describe('the audit log API', () => {
  it('lists entries newest first with actor, application, target, details, outcome and address', async () => {
    const response = await auditLogs('?action=import.completed&action=user.created');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      results: [
        {
          id: expect.any(String),
          created_at: expect.any(String),
          action: 'user.created',
          outcome: 'success',
          actor: { type: 'api_key', id: '11111111-1111-4111-8111-111111111111', label: 'api key rk_abcdefg' },
          app_id: tenant.appId,
          target: { type: 'user', id: 'user-1' },
          details: {},
          ip: '203.0.113.9',
        },
        {
          id: expect.any(String),
          created_at: expect.any(String),
          action: 'import.completed',
          outcome: 'success',
          actor: { type: 'operator', id: tenant.operators.OWNER.id, label: tenant.operators.OWNER.email },
          app_id: tenant.appId,
          target: { type: 'import', id: 'imp-1' },
          details: { created: 3 },
          ip: '203.0.113.9',
          // An import's line counts the per-user entries folded under it, and says how to list them.
          children: { count: 3, filter: { import_id: 'imp-1' } },
        },
      ],
      next: null,
    });
  });

  it('matches an action prefix ending in "." without treating _ or % as wildcards', async () => {
    expect(await actionsFor('?action=import.')).toEqual(['import.completed', 'import.created']);
    expect(await actionsFor('?action=import_')).toEqual([]);
    expect(await actionsFor('?action=imp%25.')).toEqual([]);
  });

  it('filters by actor email (any case) or id, by application, and by target', async () => {
    const byEmail = await actionsFor(`?actor=${encodeURIComponent(tenant.operators.OWNER.email.toUpperCase())}&action=import.`);
    expect(byEmail).toEqual(['import.completed', 'import.created']);
    expect(await actionsFor('?actor=11111111-1111-4111-8111-111111111111')).toEqual(['user.created']);
    expect(await actionsFor(`?app_id=${otherAppId}&action=export.`)).toEqual(['export.requested']);
    expect(await actionsFor(`?app_id=${tenant.appId}&action=export.`)).toEqual([]);
    expect(await actionsFor('?target_type=import&target_id=imp-1')).toEqual(['import.completed', 'import.created']);
  });

  it('takes since as inclusive and until as exclusive, as dates or timestamps', async () => {
    expect(await actionsFor('?action=clock.tick&since=2020-01-01&until=2020-01-02')).toHaveLength(1);
    expect(await actionsFor('?action=clock.tick&since=2020-01-01T00:00:00Z&until=2020-01-02T12:00:00Z')).toHaveLength(1);
    expect(await actionsFor('?action=clock.tick&since=2020-01-01T00:00:00.001Z')).toHaveLength(1);
    expect(await actionsFor('?action=clock.tick&until=2020-01-03T00:00:00%2B02:00')).toHaveLength(2);
    expect(await actionsFor('?action=clock.tick&since=2021-01-01')).toHaveLength(0);
  });

  it('pages with an opaque cursor until next is null, never repeating an entry', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await auditLogs(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.results.length).toBeLessThanOrEqual(3);
      seen.push(...body.results.map((entry: { id: string }) => entry.id));
      cursor = body.next;
      pages += 1;
    } while (cursor && pages < 50);
    const total = await roster.ctx.db.selectFrom('audit_logs').select('id').where('org_id', '=', tenant.orgId).execute();
    expect(seen).toHaveLength(total.length);
    expect(new Set(seen).size).toBe(total.length);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
    // next is null on the last page itself: no trailing empty page.
    expect(pages).toBe(Math.ceil(total.length / 3));
  });

  it('keeps the filters across pages', async () => {
    const first = (await auditLogs('?action=import.&limit=1')).json();
    expect(first.results.map((entry: { action: string }) => entry.action)).toEqual(['import.completed']);
    const second = (await auditLogs(`?action=import.&limit=1&cursor=${first.next}`)).json();
    expect(second.results.map((entry: { action: string }) => entry.action)).toEqual(['import.created']);
    expect(second.next).toBeNull();
  });

  it('answers 400 invalid_parameter to a malformed time or limit, 400 invalid_cursor to a cursor it did not give out, 404 to an unknown application', async () => {
    for (const query of ['?since=yesterday', '?until=2020-13-45', '?limit=0', '?limit=201', '?limit=ten']) {
      const response = await auditLogs(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe('invalid_parameter');
    }
    for (const query of ['?cursor=not-a-cursor', `?cursor=${Buffer.from('a:x').toString('base64url')}`, `?cursor=${Buffer.from('["audit log",{"id":-1}]').toString('base64url')}`]) {
      const response = await auditLogs(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe('invalid_cursor');
    }
    expect((await auditLogs('?app_id=not-an-app')).statusCode).toBe(404);
    expect((await auditLogs(`?cursor=${auditCursor.encode({ id: 1 })}`)).json().results).toEqual([]);
  });

  it('is closed to DEVELOPER and READER', async () => {
    for (const role of ['DEVELOPER', 'READER'] as const) {
      const response = await auditLogs('', tenant.operators[role].auth);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('forbidden_role');
    }
  });

  it('shows a console change with its operator and address, such as creating an application', async () => {
    const created = await roster.app.inject({
      method: 'POST',
      url: '/api/console/apps',
      headers: tenant.operators.ADMIN.auth,
      payload: { name: 'Audited app' },
      remoteAddress: '198.51.100.4',
    });
    expect(created.statusCode).toBe(201);
    const [entry] = (await auditLogs('?action=application.created&limit=1')).json().results;
    expect(entry).toMatchObject({
      action: 'application.created',
      actor: { type: 'operator', id: tenant.operators.ADMIN.id, label: tenant.operators.ADMIN.email },
      app_id: created.json().id,
      target: { type: 'application', id: created.json().id },
      details: { name: 'Audited app' },
      ip: '198.51.100.4',
    });
  });
});
