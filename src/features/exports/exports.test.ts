import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { exportColumns, restrictedExportColumns } from '../../shared/user-columns.ts';
import { download, parseExportCsv, requestExportAs, seedUsers, waitForExport } from '../../../test/support/exports.ts';

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  await seedUsers(roster.ctx, tenant.appId, [
    { vendor_data: 'u-1', display_name: 'Ana', full_name: 'Ana López', email: 'ana@example.com', status: 'ACTIVE', country: 'ESP', tags: ['vip'], created_at: '2026-01-01T00:00:00Z' },
    { vendor_data: 'u-2', display_name: 'Bo', email: 'bo@example.com', status: 'BLOCKED', country: 'FRA', created_at: '2026-01-02T00:00:00Z' },
  ]);
});

afterAll(async () => {
  await roster?.close();
});

const owner = () => tenant.operators.OWNER.auth;

describe('requesting an export', () => {
  it('answers 202 with a queued export of every column when none are named', async () => {
    const { statusCode, json } = await requestExportAs(roster, owner(), tenant.appId, { filters: { status: ['active'] } });
    expect(statusCode).toBe(202);
    expect(json).toMatchObject({
      app_id: tenant.appId,
      status: 'queued',
      filters: { status: ['ACTIVE'] },
      columns: [...exportColumns],
      row_count: null,
      created_by: { id: tenant.operators.OWNER.id, email: tenant.operators.OWNER.email, name: expect.any(String) },
      finished_at: null,
      download_url: null,
      expires_at: null,
      error: null,
      revoked_at: null,
    });
    expect(Object.keys(json).sort()).toEqual(
      [
        ...['id', 'app_id', 'status', 'filters', 'redacted', 'columns', 'row_count', 'rows_written', 'created_by', 'created_at', 'finished_at', 'download_url', 'expires_at', 'error', 'revoked_at', 'schedule_id'],
        // docs/warehouse.md
        ...['format', 'compression', 'as_of_seq', 'since_seq', 'parts'],
      ].sort(),
    );
  });

  it('refuses an unknown column with 422 unknown_column naming it', async () => {
    const { statusCode, json } = await requestExportAs(roster, owner(), tenant.appId, { columns: ['vendor_data', 'password', 'ssn'] });
    expect(statusCode).toBe(422);
    expect(json.error.code).toBe('unknown_column');
    expect(json.error.message).toContain('password');
    expect(json.error.details.map((detail: { column: string }) => detail.column)).toEqual(['password', 'ssn']);
  });

  it('refuses an unknown filter with 422 unknown_filter naming it', async () => {
    const { statusCode, json } = await requestExportAs(roster, owner(), tenant.appId, { filters: { status: ['ACTIVE'], colour: 'red' } });
    expect(statusCode).toBe(422);
    expect(json.error.code).toBe('unknown_filter');
    expect(json.error.message).toContain('colour');
  });

  it('refuses a filter value the users list would refuse', async () => {
    const { statusCode, json } = await requestExportAs(roster, owner(), tenant.appId, { filters: { status: ['SLEEPING'] } });
    expect(statusCode).toBe(422);
    expect(json.error.message).toContain('status');
  });

  it('refuses an empty or repeated column list', async () => {
    expect((await requestExportAs(roster, owner(), tenant.appId, { columns: [] })).json.error.code).toBe('no_columns');
    expect((await requestExportAs(roster, owner(), tenant.appId, { columns: ['email', 'email'] })).json.error.code).toBe('duplicate_column');
  });

  it('gives a DEVELOPER asking for personal data 403 restricted_columns naming those columns', async () => {
    const { statusCode, json } = await requestExportAs(roster, tenant.operators.DEVELOPER.auth, tenant.appId, { columns: ['vendor_data', 'email', 'phone', 'status'] });
    expect(statusCode).toBe(403);
    expect(json.error.code).toBe('restricted_columns');
    expect(json.error.message).toContain('email, phone');
    expect(json.error.details).toEqual([
      { column: 'email', code: 'restricted_column', message: expect.any(String) },
      { column: 'phone', code: 'restricted_column', message: expect.any(String) },
    ]);
  });

  it('lets COMPLIANCE_OFFICER export personal data columns', async () => {
    const { statusCode } = await requestExportAs(roster, tenant.operators.COMPLIANCE_OFFICER.auth, tenant.appId, { columns: ['vendor_data', 'email'] });
    expect(statusCode).toBe(202);
  });

  it("gives a READER a default column set without personal data, and a file to match", async () => {
    const reader = tenant.operators.READER.auth;
    const { statusCode, json } = await requestExportAs(roster, reader, tenant.appId);
    expect(statusCode).toBe(202);
    expect(json.columns).toEqual([...restrictedExportColumns]);
    for (const column of ['full_name', 'display_name', 'effective_name', 'date_of_birth', 'email', 'phone', 'metadata_json']) expect(json.columns).not.toContain(column);
    const done = await waitForExport(roster, reader, tenant.appId, json.id);
    expect(done.status).toBe('completed');
    const file = parseExportCsv((await download(roster, done.download_url!)).body);
    expect(file.header).toEqual([...restrictedExportColumns]);
    expect(file.rows.map((row) => row.vendor_data)).toEqual(['u-1', 'u-2']);
  });

  it("hides the link to a full export from a READER, while showing them the export", async () => {
    const { json } = await requestExportAs(roster, owner(), tenant.appId, {});
    const done = await waitForExport(roster, owner(), tenant.appId, json.id);
    expect(done.download_url).toMatch(/^http:\/\/roster\.test\/api\/console\/exports\/.+\/download\?expires=\d+&sig=[0-9a-f]{64}$/);
    const asReader = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${json.id}`, headers: tenant.operators.READER.auth });
    expect(asReader.statusCode).toBe(200);
    expect(asReader.json().status).toBe('completed');
    expect(asReader.json().download_url).toBeNull();
  });

  it("answers 404 for another organization's application and for its exports", async () => {
    const other = await createTestTenant(roster.ctx);
    const { json } = await requestExportAs(roster, other.operators.OWNER.auth, other.appId, {});
    expect((await requestExportAs(roster, owner(), other.appId, {})).statusCode).toBe(404);
    const foreignApp = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${other.appId}/exports/${json.id}`, headers: owner() });
    expect(foreignApp.statusCode).toBe(404);
    const foreignExportInOwnApp = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${json.id}`, headers: owner() });
    expect(foreignExportInOwnApp.statusCode).toBe(404);
    const list = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${other.appId}/exports`, headers: owner() });
    expect(list.statusCode).toBe(404);
  });

  it('requires an operator', async () => {
    const response = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/exports`, payload: {} });
    expect(response.statusCode).toBe(401);
  });

  it('audits the request with the filter and column snapshot', async () => {
    const { json } = await requestExportAs(roster, owner(), tenant.appId, { filters: { country: ['esp'], search: 'ana' }, columns: ['vendor_data', 'country'] });
    const entry = await roster.ctx.db
      .selectFrom('audit_logs')
      .select(['action', 'actor_id', 'details', 'app_id'])
      .where('target_id', '=', json.id)
      .where('action', '=', 'export.requested')
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({
      action: 'export.requested',
      actor_id: tenant.operators.OWNER.id,
      app_id: tenant.appId,
      details: { filters: { country: ['ESP'], search: 'ana' }, columns: ['vendor_data', 'country'], format: 'csv', compression: 'none', since_seq: null },
    });
  });
});

describe('the API description', () => {
  it('documents the export endpoints in the OpenAPI document at /docs', async () => {
    const document = (await roster.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/console/apps/{app_id}/exports', '/api/console/apps/{app_id}/exports/{id}', '/api/console/exports/{id}/download']),
    );
    expect(JSON.stringify(document.paths['/api/console/apps/{app_id}/exports'].post.requestBody)).toContain('created_after');
  });
});

describe('export history', () => {
  it('lists exports newest first, a page at a time', async () => {
    const fresh = await createTestTenant(roster.ctx);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await requestExportAs(roster, fresh.operators.ADMIN.auth, fresh.appId, { columns: ['vendor_data'] })).json.id);
    const seen: string[] = [];
    let url = `/api/console/apps/${fresh.appId}/exports?limit=2`;
    for (;;) {
      const page = (await roster.app.inject({ method: 'GET', url, headers: fresh.operators.READER.auth })).json();
      seen.push(...page.results.map((item: { id: string }) => item.id));
      if (!page.next) break;
      url = `/api/console/apps/${fresh.appId}/exports?limit=2&cursor=${page.next}`;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('refuses a cursor it did not give out', async () => {
    const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports?cursor=bm9wZQ`, headers: owner() });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_cursor');
  });
});
