import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';

/**
 * Issue #19, finding 7: a COMPLIANCE_OFFICER's export searching "alice@example.com" showed that term to a
 * READER in GET …/exports. A search over personal fields is withheld from DEVELOPER and READER wherever a
 * filter snapshot is shown (export list and detail, export schedules); the audit log is not theirs to read.
 */

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const get = (url: string, auth: Record<string, string>) => roster.app.inject({ method: 'GET', url, headers: auth });

describe('export filters by role', () => {
  it('withholds a search over personal fields from READER and DEVELOPER in the export list and detail', async () => {
    const exports = `/api/console/apps/${tenant.appId}/exports`;
    const requested = await roster.app.inject({ method: 'POST', url: exports, headers: tenant.operators.COMPLIANCE_OFFICER.auth, payload: { filters: { search: 'alice@example.com', status: ['FLAGGED'] } } });
    expect(requested.statusCode).toBe(202);
    const id = requested.json().id;
    for (const role of ['READER', 'DEVELOPER'] as const) {
      const auth = tenant.operators[role].auth;
      const listed = (await get(exports, auth)).json().results.find((item: { id: string }) => item.id === id);
      const detail = (await get(`${exports}/${id}`, auth)).json();
      for (const view of [listed, detail]) {
        expect(view.filters).toEqual({ search: null, status: ['FLAGGED'] });
        expect(view.redacted).toEqual(['filters.search']);
        expect(JSON.stringify(view)).not.toContain('alice');
      }
    }
    for (const role of ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'] as const) {
      const detail = (await get(`${exports}/${id}`, tenant.operators[role].auth)).json();
      expect(detail.filters.search).toBe('alice@example.com');
      expect(detail.redacted).toEqual([]);
    }
    // A READER's own search reads vendor_data alone: they see their own term.
    const own = await roster.app.inject({ method: 'POST', url: exports, headers: tenant.operators.READER.auth, payload: { filters: { search: 'customer-1' } } });
    const ownView = (await get(`${exports}/${own.json().id}`, tenant.operators.READER.auth)).json();
    expect(ownView.filters).toMatchObject({ search: 'customer-1', search_scope: 'vendor_data' });
    expect(ownView.redacted).toEqual([]);
  });

  it('withholds it from an export schedule’s filters too', async () => {
    const schedules = `/api/console/apps/${tenant.appId}/export-schedules`;
    const created = await roster.app.inject({ method: 'POST', url: schedules, headers: tenant.operators.COMPLIANCE_OFFICER.auth, payload: { name: 'nightly', cron: '0 3 * * *', filters: { search: 'alice@example.com' } } });
    expect(created.statusCode, created.body).toBe(201);
    const listed = (await get(schedules, tenant.operators.READER.auth)).json().results;
    expect(listed[0].filters).toEqual({ search: null });
    expect(listed[0].redacted).toEqual(['filters.search']);
    expect((await get(`${schedules}/${created.json().id}`, tenant.operators.OWNER.auth)).json().filters.search).toBe('alice@example.com');
  });
});
