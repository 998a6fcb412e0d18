import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';

/**
 * Every list that pages with a cursor (found in the OpenAPI document, so a new list is covered
 * without editing this file) answers a cursor it did not give out with 400 invalid_cursor, never a
 * 500 or another code: garbage, a cursor of another list, and well-formed cursors holding values a
 * query could choke on (src/http/cursor.ts).
 */

let roster: TestRoster;
let tenant: TestTenant;
let endpointId: string;
let lists: { path: string; sorts: string[] }[] = [];

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nilId = '00000000-0000-0000-0000-000000000000';

const forged = [
  'garbage!',
  'bm90IGpzb24',
  raw([1, 2]),
  raw(['exports', { seq: -1 }]),
  raw(['audit log', { id: '1; DROP TABLE users' }]),
  raw(['imports', { createdAt: '-271821-04-20T00:00:00.000Z', id: nilId }]),
  raw(['users', { createdAt: '2026-02-30T00:00:00.000000Z', id: nilId }]),
  raw(['users sorted by name', { value: 'a\u0000', id: nilId }]),
  raw(['users sorted by -last_activity_at', { value: 'not a time', id: nilId }]),
  raw(['webhook deliveries', { createdAt: '2026-01-01T00:00:00.000Z', id: "x' OR 1=1 --" }]),
  raw(['no such list', { seq: 1 }]),
];

beforeAll(async () => {
  roster = await startTestRoster({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  tenant = await createTestTenant(roster.ctx);
  const created = await roster.app.inject({
    method: 'POST',
    url: `/api/console/apps/${tenant.appId}/webhooks`,
    headers: tenant.operators.OWNER.auth,
    payload: { url: 'http://127.0.0.1:9/hook', events: ['user.created'] },
  });
  expect(created.statusCode, created.body).toBe(201);
  endpointId = created.json().id;
  const document = roster.app.swagger() as { paths: Record<string, { get?: { parameters?: { name: string; in: string; schema?: { enum?: string[] } }[] } }> };
  lists = Object.entries(document.paths).flatMap(([path, methods]) => {
    const parameters = methods.get?.parameters ?? [];
    if (!parameters.some((parameter) => parameter.in === 'query' && parameter.name === 'cursor')) return [];
    const sort = parameters.find((parameter) => parameter.in === 'query' && parameter.name === 'sort');
    return [{ path, sorts: sort?.schema?.enum ?? [] }];
  });
});

afterAll(async () => {
  await roster?.close();
});

function urlOf(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'app_id' || name === 'application_id') return tenant.appId;
    if (name === 'organization_id') return tenant.orgId;
    if (name === 'id') return endpointId;
    throw new Error(`no value for {${name}} in ${path}`);
  });
}

describe('cursors on every list', () => {
  it('finds the lists in the OpenAPI document', () => {
    const paths = lists.map((list) => list.path);
    for (const expected of ['/v3/users/', '/api/console/apps/{app_id}/users', '/api/console/apps/{app_id}/imports', '/api/console/apps/{app_id}/exports', '/api/console/audit-logs']) {
      expect(paths).toContain(expected);
    }
    expect(paths.some((path) => path.includes('deliveries'))).toBe(true);
    expect(lists.find((list) => list.path === '/api/console/apps/{app_id}/users')?.sorts.length).toBeGreaterThan(1);
  });

  it('answers 400 invalid_cursor to a cursor it did not give out, on every list and every sort', async () => {
    for (const list of lists) {
      const headers = list.path.startsWith('/v3/') ? tenant.keyAuth : tenant.operators.OWNER.auth;
      for (const sort of ['', ...list.sorts.map((name) => `&sort=${encodeURIComponent(name)}`)]) {
        for (const cursor of forged) {
          const url = `${urlOf(list.path)}?cursor=${encodeURIComponent(cursor)}${sort}`;
          const response = await roster.app.inject({ method: 'GET', url, headers });
          expect(response.statusCode, `${url}: ${response.body.slice(0, 200)}`).toBe(400);
          expect(response.json().error.code, url).toBe('invalid_cursor');
        }
      }
    }
  });

  it('takes back its own cursor, and refuses it on another list', async () => {
    await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: { vendor_data: 'cursor-a' } });
    await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: { vendor_data: 'cursor-b' } });
    const first = (await roster.app.inject({ method: 'GET', url: '/v3/users/?page_size=1', headers: tenant.keyAuth })).json();
    expect(first.next).toEqual(expect.any(String));
    const second = await roster.app.inject({ method: 'GET', url: `/v3/users/?page_size=1&cursor=${first.next}`, headers: tenant.keyAuth });
    expect(second.statusCode).toBe(200);
    expect([first.results[0].vendor_data, second.json().results[0].vendor_data].sort()).toEqual(['cursor-a', 'cursor-b']);
    const elsewhere = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/imports?cursor=${first.next}`, headers: tenant.operators.OWNER.auth });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.code).toBe('invalid_cursor');
  });
});
