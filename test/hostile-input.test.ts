import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ErrorCode, errorCodes, isErrorCode } from '../src/shared/error-codes.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';

/**
 * Throws malformed and hostile input at every route in the OpenAPI document, authenticated as
 * the most powerful caller, and checks that nothing answers 500 and every error has the contract's shape.
 */

let roster: TestRoster;
let tenant: TestTenant;
let routes: { method: string; path: string }[] = [];

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  const document = roster.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ['get', 'post', 'patch', 'put', 'delete'].includes(method))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );
});

afterAll(async () => {
  await roster?.close();
});

const hostileParams = ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', "1' OR '1'='1", '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3000)];

const hostileBodies: { name: string; payload: string; contentType?: string }[] = [
  { name: 'truncated JSON', payload: '{"vendor_data": "a' },
  { name: 'not JSON at all', payload: 'hello world' },
  { name: 'a JSON array', payload: '[1,2,3]' },
  { name: 'a JSON string', payload: '"just a string"' },
  { name: 'JSON null', payload: 'null' },
  { name: 'a number', payload: '42' },
  { name: 'prototype pollution', payload: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}' },
  { name: 'wrong types everywhere', payload: '{"vendor_data": 1, "status": [], "tags": "x", "metadata": [], "filters": 5, "columns": "all", "email": {}, "name": null, "role": 7, "password": true}' },
  { name: 'deep nesting', payload: `${'{"a":'.repeat(500)}1${'}'.repeat(500)}` },
  { name: 'huge string', payload: JSON.stringify({ vendor_data: 'x'.repeat(900_000) }) },
  { name: 'over one megabyte', payload: JSON.stringify({ vendor_data: 'y'.repeat(1_100_000) }) },
  { name: 'invalid UTF-8', payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1') },
  { name: 'a JSON body sent as text/plain', payload: '{"vendor_data": "x"}', contentType: 'text/plain' },
  { name: 'a JSON body with an unknown content type', payload: '{"vendor_data": "x"}', contentType: 'application/x-evil' },
];

function fillPath(path: string, value: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'app_id' || name === 'application_id') return tenant.appId;
    if (name === 'organization_id') return tenant.orgId;
    return encodeURIComponent(value);
  });
}

function expectContractError(status: number, body: string, context: string): void {
  expect(status, `${context} answered ${status}: ${body.slice(0, 300)}`).toBeLessThan(500);
  if (status >= 400) {
    const parsed = JSON.parse(body);
    expect(typeof parsed.error?.code, `${context}: ${body.slice(0, 300)}`).toBe('string');
    expect(parsed.error.code).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(typeof parsed.error.message).toBe('string');
    // Every code is catalogued, and comes with the catalogue's status (bad_request keeps Fastify's 4xx).
    expect(isErrorCode(parsed.error.code), `${context}: ${parsed.error.code} is not in src/shared/error-codes.ts`).toBe(true);
    if (parsed.error.code !== 'bad_request') expect(status, `${context}: ${parsed.error.code}`).toBe(errorCodes[parsed.error.code as ErrorCode].status);
  }
}

describe('hostile input against every route', () => {
  it('finds the routes to attack in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(3);
  });

  it('never answers 500 to a hostile body, with any credential', async () => {
    for (const route of routes.filter((candidate) => candidate.method !== 'GET')) {
      for (const auth of [tenant.keyAuth, tenant.operators.OWNER.auth]) {
        for (const body of hostileBodies) {
          const url = fillPath(route.path, hostileParams[0]);
          const response = await roster.app.inject({
            method: route.method as 'POST',
            url,
            headers: { ...auth, 'content-type': body.contentType ?? 'application/json' },
            payload: body.payload,
          });
          expectContractError(response.statusCode, response.body, `${route.method} ${url} with ${body.name}`);
        }
      }
    }
  });

  it('never answers 500 to hostile path and query parameters', async () => {
    for (const route of routes) {
      for (const value of hostileParams) {
        const url = `${fillPath(route.path, value)}?cursor=${encodeURIComponent(value)}&page_size=${encodeURIComponent(value)}&limit=-1&offset=abc&status=${encodeURIComponent(value)}&created_after=${encodeURIComponent(value)}&since=yesterday`;
        for (const auth of [tenant.keyAuth, tenant.operators.OWNER.auth]) {
          const response = await roster.app.inject({ method: route.method as 'GET', url, headers: auth, ...(route.method === 'GET' ? {} : { payload: {} }) });
          expectContractError(response.statusCode, response.body, `${route.method} ${url.slice(0, 120)}`);
        }
      }
    }
  });

  it('answers every route without credentials with 401 or a public answer, never 500', async () => {
    for (const route of routes) {
      const url = fillPath(route.path, hostileParams[0]);
      const response = await roster.app.inject({ method: route.method as 'GET', url, ...(route.method === 'GET' ? {} : { payload: {} }) });
      expectContractError(response.statusCode, response.body, `${route.method} ${url} without credentials`);
    }
  });
});

/**
 * Issue #9 findings 5, 7 and 14, as reproduced: every one answered 500 (or stored something else than sent)
 * on main. The shared safe-string and date rules make each a 4xx with a stable code, and nothing changes.
 */
describe('strings, dates and numbers PostgreSQL cannot take (issue #9)', () => {
  const nul = 'a\u0000b';
  const loneSurrogate = 'a\ud800b';
  const console = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = tenant.operators.OWNER.auth) =>
    roster.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  function expectRefused(response: { statusCode: number; body: string }, label: string) {
    expectContractError(response.statusCode, response.body, label);
    expect(response.statusCode, `${label}: ${response.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  }

  it('refuses a NUL or a lone surrogate in every string field of every JSON body, and in every query parameter', async () => {
    const document = roster.app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }; parameters?: { in: string; name: string }[] }>> };
    let tried = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const url = fillPath(path, hostileParams[0]);
        const properties = Object.keys(operation.requestBody?.content?.['application/json']?.schema?.properties ?? {});
        for (const property of properties) {
          for (const value of [nul, loneSurrogate]) {
            for (const auth of [tenant.keyAuth, tenant.operators.OWNER.auth]) {
              const response = await roster.app.inject({ method: method.toUpperCase() as 'POST', url, headers: auth, payload: { [property]: value } });
              expectContractError(response.statusCode, response.body, `${method} ${path} ${property}=${JSON.stringify(value)}`);
              tried += 1;
            }
          }
        }
        for (const parameter of (operation.parameters ?? []).filter((candidate) => candidate.in === 'query')) {
          const response = await roster.app.inject({ method: method.toUpperCase() as 'GET', url: `${url}?${parameter.name}=a%00b`, headers: tenant.operators.OWNER.auth, ...(method === 'get' ? {} : { payload: {} }) });
          expectContractError(response.statusCode, response.body, `${method} ${path}?${parameter.name}=a%00b`);
          tried += 1;
        }
      }
    }
    expect(tried).toBeGreaterThan(100);
  });

  it('answers 4xx, not 500, to each input of the finding: sign-in, operators, names, audit filters, an imports cursor', async () => {
    // No credential needed for this one on main.
    expectRefused(await roster.app.inject({ method: 'POST', url: '/api/console/session', payload: { email: `x${nul}@example.com`, password: 'whatever' } }), 'sign-in email');
    expectRefused(await console('POST', '/api/console/operators', { email: `x${nul}@example.com`, role: 'READER' }), 'operator email');
    expectRefused(await console('POST', '/api/console/operators', { email: 'fine@example.com', name: nul, role: 'READER' }), 'operator name');
    expectRefused(await console('PATCH', `/api/console/operators/${tenant.operators.READER.id}`, { name: nul }), 'operator rename');
    expectRefused(await console('POST', '/api/console/tokens', { name: nul }), 'token name');
    expectRefused(await console('POST', `/api/console/apps/${tenant.appId}/api-keys`, { name: nul }), 'key name');
    expectRefused(await console('POST', '/api/console/apps', { name: nul }), 'app name');
    expectRefused(await console('POST', '/api/console/apps', { name: loneSurrogate }), 'app name with a lone surrogate');
    for (const query of ['action=a%00', 'actor=a%00', 'target_id=%00', 'since=0000-01-01', 'until=2026-02-30']) {
      expectRefused(await console('GET', `/api/console/audit-logs?${query}`), `audit-logs?${query}`);
    }
    const farPast = Buffer.from(JSON.stringify(['-271821-04-20T00:00:00.000Z', '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    const cursor = await console('GET', `/api/console/apps/${tenant.appId}/imports?cursor=${farPast}`);
    expectRefused(cursor, 'imports cursor at year -271821');
    expect(cursor.json().error.code).toBe('invalid_cursor');
    const names = await roster.ctx.db.selectFrom('applications').select('name').execute();
    expect(names.some((row) => row.name.includes('\u0000'))).toBe(false);
  });

  it('limits dates to real days of years 0001–9999 after the zone shift, in lists and export filters, and no export fails on them', async () => {
    const exportsBefore = await roster.ctx.db.selectFrom('exports').select('id').where('app_id', '=', tenant.appId).execute();
    for (const date of ['0000-01-01', '9999-12-31T23:59:59-14:00', '2026-02-30', '2026-13-01', '2026-01-01T24:00:00Z', '-271821-04-20']) {
      const list = await console('GET', `/api/console/apps/${tenant.appId}/users?created_after=${encodeURIComponent(date)}`);
      expect(list.statusCode, date).toBe(400);
      const api = await roster.app.inject({ method: 'GET', url: `/v3/users/?created_before=${encodeURIComponent(date)}`, headers: tenant.keyAuth });
      expect(api.statusCode, date).toBe(400);
      const exported = await console('POST', `/api/console/apps/${tenant.appId}/exports`, { filters: { created_after: date } });
      expect(exported.statusCode, date).toBe(422);
      expect(['validation_failed', 'invalid_filter']).toContain(exported.json().error.code);
    }
    for (const date of ['0001-01-01', '9999-12-31', '2024-02-29', '2026-01-31T12:00:00+14:00']) {
      expect((await console('GET', `/api/console/apps/${tenant.appId}/users?created_after=${encodeURIComponent(date)}`)).statusCode, date).toBe(200);
    }
    const exports = await roster.ctx.db.selectFrom('exports').select('id').where('app_id', '=', tenant.appId).execute();
    expect(exports).toHaveLength(exportsBefore.length);
  });

  it('refuses TAB in vendor_data, numbers it cannot store exactly, and the same metadata keys in the API and in an import', async () => {
    const create = (body: Record<string, unknown>) => roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, payload: body });
    const tab = await create({ vendor_data: 'a\tb' });
    expect(tab.statusCode).toBe(422);
    expect(tab.json().error.code).toBe('invalid_vendor_data');
    // JSON.parse reads 1e400 as Infinity, which was stored as null.
    const huge = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, payload: '{"vendor_data": "big-number", "metadata": {"score": 1e400}}' });
    expect(huge.statusCode).toBe(422);
    expect(huge.json().error.code).toBe('invalid_metadata');
    expect(huge.json().error.message).toContain('metadata.score');
    const inexact = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, payload: '{"vendor_data": "big-int", "metadata": {"id": 12345678901234567891}}' });
    expect(inexact.statusCode).toBe(422);
    expect((await create({ vendor_data: 'fine-number', metadata: { score: 1.5e-300, ratio: 0.1, count: 9007199254740991 } })).statusCode).toBe(201);
    const proto = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, payload: '{"vendor_data": "proto", "metadata": {"__proto__": {"admin": true}}}' });
    expect(proto.statusCode).toBeGreaterThanOrEqual(400);
    expect(proto.statusCode).toBeLessThan(500);

    // The same file rows through an import: each is an invalid row with the API's code.
    await roster.startWorker();
    const csv = [
      'vendor_data,metadata_json',
      '"a\tb",',
      'big-number,"{""score"": 1e400}"',
      'proto,"{""__proto__"": {""admin"": true}}"',
      'ctor,"{""constructor"": {""prototype"": {""x"": 1}}}"',
      'fine,"{""constructor"": ""a plain value is fine""}"',
    ].join('\n');
    const upload = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/imports`, headers: { ...tenant.operators.OWNER.auth, 'content-type': 'text/csv' }, payload: `${csv}\n` });
    expect(upload.statusCode).toBe(201);
    const deadline = Date.now() + 30_000;
    let view = upload.json();
    while (view.status === 'validating' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = (await console('GET', `/api/console/apps/${tenant.appId}/imports/${view.id}`)).json();
    }
    expect(view.status).toBe('ready');
    const rows = (await console('GET', `/api/console/apps/${tenant.appId}/imports/${view.id}/rows`)).json().rows;
    const codes = rows.map((row: { errors: { code: string }[] }) => row.errors.map((error) => error.code));
    expect(codes).toEqual([['invalid_vendor_data'], ['invalid_metadata'], ['invalid_metadata'], ['invalid_metadata'], []]);
  });
});
