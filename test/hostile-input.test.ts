import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
