import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from './harness.ts';

let roster: TestRoster;
beforeAll(async () => {
  roster = await startTestRoster();
});
afterAll(async () => {
  await roster?.close();
});

describe('the service foundation', () => {
  it('answers /healthz without a key once the database is reachable', async () => {
    const response = await roster.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers an unknown route with the contract error shape', async () => {
    const response = await roster.app.inject({ method: 'GET', url: '/api/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'route_not_found', message: expect.any(String) } });
  });

  it('serves the OpenAPI document at /docs', async () => {
    const response = await roster.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().openapi).toMatch(/^3\./);
  });

  it('creates a tenant with an operator of each role', async () => {
    const tenant = await createTestTenant(roster.ctx);
    expect(Object.keys(tenant.operators)).toHaveLength(5);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select('action').where('org_id', '=', tenant.orgId).execute();
    expect(audit.map((entry) => entry.action)).toContain('operator.created');
  });
});
