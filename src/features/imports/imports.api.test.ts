import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import type { Role } from '../../db/schema.ts';
import { csvText, getImportView, importsUrl, previewOf, previewRows, startAndFinish, templateHeader, uploadCsv, usersOf, waitForImport } from '../../../test/support/imports.ts';
import { settledImport } from '../../../test/support/import-mapping.ts';

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster({ IMPORT_MAX_BYTES: '256KB' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => roster?.close());

const sample = csvText([
  templateHeader,
  ['api-1', 'Ana', 'Ana López', 'ana@example.com', '+34 600 123 456', 'esp', 'active', 'vip, gold', '{"tier":"gold"}'],
  ['api-2', 'Bo', '', 'not-an-email', '', 'XX', '', '', ''],
  ['api-3', '', '', '', '', '', 'FLAGGED', '', ''],
]);

async function auditActions(importId: string) {
  return roster.ctx.db.selectFrom('audit_logs').selectAll().where('target_type', '=', 'import').where('target_id', '=', importId).orderBy('id').execute();
}

describe('uploading a file', () => {
  it('answers 201 with a validating import, then shows the preview once validated', async () => {
    const response = await uploadCsv(roster, tenant, sample, { fileName: 'customers.csv' });
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({ app_id: tenant.appId, file_name: 'customers.csv', status: 'validating', warnings: [], error: null });
    expect(created.created_by).toEqual({ id: tenant.operators.ADMIN.id, email: tenant.operators.ADMIN.email, name: expect.any(String) });

    const ready = await waitForImport(roster, tenant, created.id, ['ready']);
    expect(ready).toMatchObject({ total_rows: 3, valid_rows: 2, invalid_rows: 1, to_create: 2, to_update: 0, unchanged: 0, processed_rows: 0, encoding: 'utf-8', delimiter: ',' });
    expect(await usersOf(roster, tenant)).toEqual([]);
  });

  it('accepts the file as a multipart field named "file"', async () => {
    const ready = await previewOf(roster, tenant, sample, { multipart: true, fileName: 'from-the-console.csv' });
    expect(ready).toMatchObject({ status: 'ready', file_name: 'from-the-console.csv', total_rows: 3 });
  });

  it('answers 400 missing_file to a request without a file', async () => {
    const auth = tenant.operators.ADMIN.auth;
    const empty = await roster.app.inject({ method: 'POST', url: importsUrl(tenant), headers: auth });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('missing_file');
    const boundary = 'xyz';
    const onlyAField = await roster.app.inject({
      method: 'POST',
      url: importsUrl(tenant),
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
    });
    expect(onlyAField.statusCode).toBe(400);
    expect(onlyAField.json().error.code).toBe('missing_file');
  });

  it('answers 413 file_too_large past IMPORT_MAX_BYTES, raw or multipart, and keeps nothing', async () => {
    const big = `${templateHeader.join(',')}\n${'x'.repeat(256 * 1024)}\n`;
    const before = await roster.ctx.db.selectFrom('imports').select('id').where('app_id', '=', tenant.appId).execute();
    for (const multipart of [false, true]) {
      const response = await uploadCsv(roster, tenant, big, { multipart });
      expect(response.statusCode).toBe(413);
      expect(response.json().error.code).toBe('file_too_large');
    }
    const after = await roster.ctx.db.selectFrom('imports').select('id').where('app_id', '=', tenant.appId).execute();
    expect(after).toHaveLength(before.length);
  });

  it('serves the template with the import columns and one example row that validates', async () => {
    const response = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, '/template.csv'), headers: tenant.operators.OWNER.auth });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.body.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(lines[0]).toBe(templateHeader.join(','));
    expect(lines).toHaveLength(2);
    const own = await createTestTenant(roster.ctx);
    const preview = await previewOf(roster, own, response.rawPayload);
    expect(preview).toMatchObject({ total_rows: 1, valid_rows: 1, to_create: 1 });
  });
});

describe('the preview', () => {
  it('pages through rows with their values as in the file, their action and their errors', async () => {
    const ready = await previewOf(roster, tenant, sample);
    const all = await previewRows(roster, tenant, ready.id);
    expect(all.total).toBe(3);
    expect(all.rows.map((row) => [row.row, row.line, row.action])).toEqual([
      [1, 2, 'create'],
      [2, 3, 'skip'],
      [3, 4, 'create'],
    ]);
    expect(all.rows[0]!.values).toMatchObject({ vendor_data: 'api-1', phone: '+34 600 123 456', country: 'esp' });

    const invalid = await previewRows(roster, tenant, ready.id, '?only=invalid');
    expect(invalid.total).toBe(1);
    expect(invalid.rows[0]!.errors).toEqual([
      { column: 'email', code: 'invalid_email', message: expect.stringContaining('not-an-email') },
      { column: 'country', code: 'invalid_country', message: expect.any(String) },
    ]);
    const second = await previewRows(roster, tenant, ready.id, '?offset=1&limit=1');
    expect(second.rows.map((row) => row.row)).toEqual([2]);
    expect(second.total).toBe(3);
  });

  it('gives every invalid row in errors.csv with its line, reasons and original values', async () => {
    const ready = await previewOf(roster, tenant, sample);
    const response = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${ready.id}/errors.csv`), headers: tenant.operators.ADMIN.auth });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe(`line,row,error_codes,errors,${templateHeader.join(',')}`);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^3,2,"invalid_email,invalid_country","email: ""not-an-email"" is not an email address; country: .*",api-2,Bo,,not-an-email,,XX,,,$/);
  });
});

describe('running an import', () => {
  it('starts only from ready (202 queued), creates the users and counts exactly', async () => {
    const ready = await previewOf(roster, tenant, sample);
    const start = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.COMPLIANCE_OFFICER.auth });
    expect(start.statusCode).toBe(202);
    expect(['queued', 'running', 'completed']).toContain(start.json().status);
    const done = await waitForImport(roster, tenant, ready.id, ['completed']);
    expect(done).toMatchObject({ processed_rows: 3, created: 2, updated: 0, unchanged: 0, skipped: 1, failed: 0 });
    expect(done.finished_at).not.toBeNull();

    const again = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.ADMIN.auth });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('invalid_state');
    const cancel = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/cancel`), headers: tenant.operators.ADMIN.auth });
    expect(cancel.statusCode).toBe(409);
  });

  it('records import.created, import.started and import.completed with counts and the operator', async () => {
    const own = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, own, sample, { role: 'OWNER' });
    await startAndFinish(roster, own, ready.id);
    const entries = await auditActions(ready.id);
    expect(entries.map((entry) => entry.action)).toEqual(['import.created', 'import.started', 'import.completed']);
    expect(entries[0]).toMatchObject({ actor_type: 'operator', actor_id: own.operators.OWNER.id, app_id: own.appId });
    expect(entries[1]).toMatchObject({ actor_type: 'operator', actor_id: own.operators.ADMIN.id });
    expect(entries[1]!.details).toMatchObject({ operator_id: own.operators.ADMIN.id, to_create: 2, invalid_rows: 1 });
    expect(entries[2]).toMatchObject({ actor_type: 'system' });
    expect(entries[2]!.details).toMatchObject({ operator_id: own.operators.ADMIN.id, created: 2, skipped: 1, processed_rows: 3 });
  });

  it('cancels a ready import (202) and records import.cancelled; it cannot start afterwards', async () => {
    const ready = await previewOf(roster, tenant, sample);
    const cancel = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/cancel`), headers: tenant.operators.ADMIN.auth });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', processed_rows: 0 });
    const start = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.ADMIN.auth });
    expect(start.statusCode).toBe(409);
    expect((await auditActions(ready.id)).map((entry) => entry.action)).toEqual(['import.created', 'import.cancelled']);
  });

  it('discards a previewed import (issue 20): ends cancelled with code discarded, audited, its file and rows deleted at once', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, sample);
    const { storage_key } = await roster.ctx.db.selectFrom('imports').select('storage_key').where('id', '=', ready.id).executeTakeFirstOrThrow();
    expect(await roster.ctx.storage.stat(storage_key)).not.toBeNull();
    const discard = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/discard`), headers: tenant.operators.COMPLIANCE_OFFICER.auth });
    expect(discard.statusCode).toBe(200);
    expect(discard.json()).toMatchObject({ status: 'cancelled', processed_rows: 0, error: { code: 'discarded' } });
    expect(discard.json().finished_at).not.toBeNull();
    expect(await roster.ctx.storage.stat(storage_key)).toBeNull();
    const staged = await roster.ctx.db.selectFrom('import_rows').select('row').where('import_id', '=', ready.id).execute();
    expect(staged).toEqual([]);
    const rows = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${ready.id}/rows`), headers: tenant.operators.ADMIN.auth });
    expect(rows.statusCode).toBe(410);
    const entries = await auditActions(ready.id);
    expect(entries.map((entry) => entry.action)).toEqual(['import.created', 'import.discarded']);
    expect(entries[1]).toMatchObject({ actor_id: tenant.operators.COMPLIANCE_OFFICER.id });
    expect(entries[1]!.details).toMatchObject({ discarded_while: 'ready', valid_rows: 2, invalid_rows: 1 });
    for (const action of ['start', 'discard']) {
      const again = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/${action}`), headers: tenant.operators.ADMIN.auth });
      expect([action, again.statusCode, again.json().error.code]).toEqual([action, 409, 'invalid_state']);
    }
    expect(await usersOf(roster, tenant)).toEqual([]);
  });

  it('discards an import waiting for its mapping, and refuses one that ran (409, cancel is for running work)', async () => {
    const waiting = await settledImport(roster, tenant, 'Customer,Mail\nc-1,c@example.com\n');
    expect(waiting.status).toBe('needs_mapping');
    const discard = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${waiting.id}/discard`), headers: tenant.operators.ADMIN.auth });
    expect(discard.statusCode).toBe(200);
    expect((await auditActions(waiting.id)).at(-1)!.details).toMatchObject({ discarded_while: 'needs_mapping' });

    const own = await createTestTenant(roster.ctx);
    const ran = await previewOf(roster, own, sample);
    await startAndFinish(roster, own, ran.id);
    const late = await roster.app.inject({ method: 'POST', url: importsUrl(own, `/${ran.id}/discard`), headers: own.operators.ADMIN.auth });
    expect(late.statusCode).toBe(409);
    expect((await getImportView(roster, own, ran.id)).status).toBe('completed');
  });

  it('records import.failed for a file that cannot be read', async () => {
    const response = await uploadCsv(roster, tenant, 'vendor_data,display_name\nq-1,"never closed\n');
    const failed = await waitForImport(roster, tenant, response.json().id, ['failed']);
    expect(failed.error).toMatchObject({ code: 'unterminated_quote' });
    const entries = await auditActions(failed.id);
    expect(entries.map((entry) => [entry.action, entry.actor_type, entry.outcome])).toEqual([
      ['import.created', 'operator', 'success'],
      ['import.failed', 'system', 'failure'],
    ]);
    expect(entries[1]!.details).toMatchObject({ operator_id: tenant.operators.ADMIN.id, error: { code: 'unterminated_quote' } });
  });
});

describe('history', () => {
  it('lists imports newest first with who created them, a page at a time', async () => {
    const own = await createTestTenant(roster.ctx);
    const ids: string[] = [];
    for (const role of ['OWNER', 'ADMIN', 'COMPLIANCE_OFFICER'] as Role[]) ids.push((await uploadCsv(roster, own, sample, { role })).json().id);
    const first = await roster.app.inject({ method: 'GET', url: importsUrl(own, '?page_size=2'), headers: own.operators.OWNER.auth });
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.results.map((entry: { id: string }) => entry.id)).toEqual([ids[2], ids[1]]);
    expect(page.results[0].created_by).toMatchObject({ id: own.operators.COMPLIANCE_OFFICER.id, email: own.operators.COMPLIANCE_OFFICER.email });
    const second = await roster.app.inject({ method: 'GET', url: importsUrl(own, `?page_size=2&cursor=${page.next}`), headers: own.operators.OWNER.auth });
    expect(second.json()).toMatchObject({ results: [{ id: ids[0] }], next: null });
    for (const id of ids) await waitForImport(roster, own, id, ['ready']);
  });
});

describe('roles and tenancy', () => {
  const endpoints = (appId: string, importId: string): [string, string][] => [
    ['GET', `/api/console/apps/${appId}/imports/template.csv`],
    ['POST', `/api/console/apps/${appId}/imports`],
    ['GET', `/api/console/apps/${appId}/imports`],
    ['GET', `/api/console/apps/${appId}/imports/${importId}`],
    ['GET', `/api/console/apps/${appId}/imports/${importId}/rows`],
    ['GET', `/api/console/apps/${appId}/imports/${importId}/errors.csv`],
    ['POST', `/api/console/apps/${appId}/imports/${importId}/start`],
    ['POST', `/api/console/apps/${appId}/imports/${importId}/cancel`],
    ['POST', `/api/console/apps/${appId}/imports/${importId}/discard`],
  ];

  it('answers 403 forbidden_role to DEVELOPER and READER on every import endpoint', async () => {
    const ready = await previewOf(roster, tenant, sample);
    for (const role of ['DEVELOPER', 'READER'] as Role[]) {
      for (const [method, url] of endpoints(tenant.appId, ready.id)) {
        const response = await roster.app.inject({ method: method as 'GET', url, headers: { ...tenant.operators[role].auth, 'content-type': 'text/csv' }, payload: method === 'POST' ? sample : undefined });
        expect([role, method, url, response.statusCode, response.json().error.code]).toEqual([role, method, url, 403, 'forbidden_role']);
      }
    }
    expect((await getImportView(roster, tenant, ready.id)).status).toBe('ready');
  });

  it("answers 404 for another organization's application or import, and 401 without credentials", async () => {
    const other = await createTestTenant(roster.ctx);
    const theirs = await previewOf(roster, other, sample);
    const mine = await previewOf(roster, tenant, sample);
    for (const [method, url] of [...endpoints(other.appId, mine.id), ...endpoints(tenant.appId, theirs.id).slice(3)]) {
      const response = await roster.app.inject({ method: method as 'GET', url, headers: { ...tenant.operators.OWNER.auth, 'content-type': 'text/csv' }, payload: method === 'POST' ? sample : undefined });
      expect([method, url, response.statusCode]).toEqual([method, url, 404]);
    }
    const anonymous = await roster.app.inject({ method: 'GET', url: importsUrl(tenant) });
    expect(anonymous.statusCode).toBe(401);
    expect((await getImportView(roster, other, theirs.id)).status).toBe('ready');
  });
});
