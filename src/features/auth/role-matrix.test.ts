import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import type { Role } from '../../db/schema.ts';
import { createApiKey, createOperator } from './tenancy.service.ts';

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

let serial = 0;
async function freshOperator(role: Role = 'DEVELOPER') {
  serial += 1;
  return createOperator(roster.ctx.db, { orgId: tenant.orgId, email: `matrix-${serial}-${Date.now()}@example.com`, role });
}

interface Check {
  what: string;
  request: () => Promise<{ method: string; url: string; payload?: Record<string, unknown> }>;
  /** The status each role gets, OWNER → READER. */
  expected: [number, number, number, number, number];
}

const checks: Check[] = [
  { what: 'see who is signed in (/me)', request: async () => ({ method: 'GET', url: '/api/console/me' }), expected: [200, 200, 200, 200, 200] },
  { what: 'list operators', request: async () => ({ method: 'GET', url: '/api/console/operators' }), expected: [200, 200, 200, 200, 200] },
  {
    what: 'invite a READER (202 invitation sent, issue #9)',
    request: async () => ({ method: 'POST', url: '/api/console/operators', payload: { email: `added-${++serial}@example.com`, role: 'READER' } }),
    expected: [202, 202, 403, 403, 403],
  },
  {
    what: 'rename another operator',
    request: async () => ({ method: 'PATCH', url: `/api/console/operators/${(await freshOperator()).id}`, payload: { name: 'Renamed' } }),
    expected: [200, 200, 403, 403, 403],
  },
  {
    what: 'make another operator an ADMIN',
    request: async () => ({ method: 'PATCH', url: `/api/console/operators/${(await freshOperator()).id}`, payload: { role: 'ADMIN' } }),
    expected: [200, 200, 403, 403, 403],
  },
  {
    what: 'make another operator an OWNER',
    request: async () => ({ method: 'PATCH', url: `/api/console/operators/${(await freshOperator()).id}`, payload: { role: 'OWNER' } }),
    expected: [200, 403, 403, 403, 403],
  },
  {
    what: 'remove an operator',
    request: async () => ({ method: 'DELETE', url: `/api/console/operators/${(await freshOperator()).id}` }),
    expected: [204, 204, 403, 403, 403],
  },
  {
    what: 'remove an OWNER',
    request: async () => ({ method: 'DELETE', url: `/api/console/operators/${(await freshOperator('OWNER')).id}` }),
    expected: [204, 403, 403, 403, 403],
  },
  { what: 'list API keys', request: async () => ({ method: 'GET', url: `/api/console/apps/${tenant.appId}/api-keys` }), expected: [200, 200, 403, 403, 403] },
  {
    what: 'create an API key',
    request: async () => ({ method: 'POST', url: `/api/console/apps/${tenant.appId}/api-keys`, payload: { name: 'matrix' } }),
    expected: [201, 201, 403, 403, 403],
  },
  {
    what: 'revoke an API key',
    request: async () => ({ method: 'DELETE', url: `/api/console/apps/${tenant.appId}/api-keys/${(await createApiKey(roster.ctx.db, tenant.appId)).id}` }),
    expected: [204, 204, 403, 403, 403],
  },
  { what: 'read the audit log', request: async () => ({ method: 'GET', url: '/api/console/audit-logs' }), expected: [200, 200, 200, 403, 403] },
  { what: 'create an application', request: async () => ({ method: 'POST', url: '/api/console/apps', payload: { name: 'Matrix app' } }), expected: [201, 201, 403, 403, 403] },
  { what: 'list applications', request: async () => ({ method: 'GET', url: '/api/console/apps' }), expected: [200, 200, 200, 200, 200] },
  { what: 'create a console token', request: async () => ({ method: 'POST', url: '/api/console/tokens', payload: { name: 'matrix' } }), expected: [201, 201, 201, 201, 201] },
  { what: 'list their console tokens', request: async () => ({ method: 'GET', url: '/api/console/tokens' }), expected: [200, 200, 200, 200, 200] },
];

const roleOrder: Role[] = ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'];

describe('what each role may do in the console', () => {
  for (const check of checks) {
    for (const [index, role] of roleOrder.entries()) {
      const status = check.expected[index];
      it(`${role} ${status < 400 ? 'may' : 'may not'} ${check.what} (${status})`, async () => {
        const request = await check.request();
        const response = await roster.app.inject({ ...request, method: request.method as 'GET', headers: tenant.operators[role].auth });
        expect(response.statusCode, response.body).toBe(status);
        if (status === 403) expect(response.json().error.code).toBe('forbidden_role');
      });
    }
  }
});
