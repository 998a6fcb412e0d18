import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/db/schema.ts';
import type { TestRoster, TestTenant } from '../harness.ts';
import type { ImportView } from '../../src/features/imports/imports.schemas.ts';

/** Helpers the import tests share: build files, upload them, wait for a status. */

export function csvText(rows: readonly (readonly string[])[], options: { delimiter?: string; eol?: string } = {}): string {
  const delimiter = options.delimiter ?? ',';
  const quote = (cell: string) => (/["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return rows.map((row) => row.map(quote).join(delimiter)).join(options.eol ?? '\n') + (options.eol ?? '\n');
}

export const templateHeader = ['vendor_data', 'display_name', 'full_name', 'email', 'phone', 'country', 'status', 'tags', 'metadata_json'];

export function importsUrl(tenant: TestTenant, suffix = ''): string {
  return `/api/console/apps/${tenant.appId}/imports${suffix}`;
}

export interface UploadOptions {
  role?: Role;
  fileName?: string;
  multipart?: boolean;
  contentType?: string;
}

export async function uploadCsv(roster: TestRoster, tenant: TestTenant, body: string | Buffer, options: UploadOptions = {}) {
  const auth = tenant.operators[options.role ?? 'ADMIN'].auth;
  if (options.multipart) {
    const boundary = `----roster${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.fileName ?? 'users.csv'}"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.isBuffer(body) ? body : Buffer.from(body),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return roster.app.inject({ method: 'POST', url: importsUrl(tenant), headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  }
  const query = options.fileName ? `?file_name=${encodeURIComponent(options.fileName)}` : '';
  return roster.app.inject({ method: 'POST', url: importsUrl(tenant, query), headers: { ...auth, 'content-type': options.contentType ?? 'text/csv' }, payload: body });
}

export async function getImportView(roster: TestRoster, tenant: TestTenant, id: string): Promise<ImportView> {
  const response = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${id}`), headers: tenant.operators.ADMIN.auth });
  if (response.statusCode !== 200) throw new Error(`GET import ${id}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/**
 * Polls until the import reaches one of `statuses` (fails fast if it ends in another final status). The
 * default wait is long: on a loaded 2-core CI machine a preview beside other test files took over 30 s.
 */
export async function waitForImport(roster: TestRoster, tenant: TestTenant, id: string, statuses: ImportView['status'][], timeoutMs = 180_000): Promise<ImportView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await getImportView(roster, tenant, id);
    if (statuses.includes(view.status)) return view;
    if (['completed', 'failed', 'cancelled', 'needs_mapping'].includes(view.status) || Date.now() > deadline) {
      throw new Error(`import ${id} is ${view.status} (wanted ${statuses.join('|')}): ${JSON.stringify(view.error ?? view)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Uploads a file and waits for its preview. */
export async function previewOf(roster: TestRoster, tenant: TestTenant, body: string | Buffer, options: UploadOptions = {}): Promise<ImportView> {
  const response = await uploadCsv(roster, tenant, body, options);
  if (response.statusCode !== 201) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  return waitForImport(roster, tenant, response.json().id, ['ready', 'failed', 'needs_mapping']);
}

export async function startAndFinish(roster: TestRoster, tenant: TestTenant, id: string, timeoutMs?: number): Promise<ImportView> {
  const response = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${id}/start`), headers: tenant.operators.ADMIN.auth });
  if (response.statusCode !== 202) throw new Error(`start: ${response.statusCode} ${response.body}`);
  return waitForImport(roster, tenant, id, ['completed'], timeoutMs);
}

export async function previewRows(roster: TestRoster, tenant: TestTenant, id: string, query = '') {
  const response = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${id}/rows${query}`), headers: tenant.operators.ADMIN.auth });
  if (response.statusCode !== 200) throw new Error(`rows: ${response.statusCode} ${response.body}`);
  return response.json() as { rows: { row: number; line: number; values: Record<string, string>; action: string; errors: { column: string | null; code: string; message: string }[] }[]; total: number };
}

export async function usersOf(roster: TestRoster, tenant: TestTenant) {
  return roster.ctx.db.selectFrom('users').selectAll().where('app_id', '=', tenant.appId).orderBy('vendor_data').execute();
}
