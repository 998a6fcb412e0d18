import { randomBytes } from 'node:crypto';
import type { TestRoster, TestTenant } from '../harness.ts';
import type { Role } from '../../src/db/schema.ts';
import type { ImportView } from '../../src/features/imports/imports.schemas.ts';
import { importsUrl, waitForImport } from './imports.ts';

/** Helpers for the mapping, fixes, edits, formats and presets tests (docs/vendor-migration.md#mapping-api). */

export interface FileUpload {
  query?: Record<string, string>;
  fileName?: string;
  multipart?: boolean;
  role?: Role;
}

export async function uploadFile(roster: TestRoster, tenant: TestTenant, body: string | Buffer, options: FileUpload = {}) {
  const auth = tenant.operators[options.role ?? 'ADMIN'].auth;
  const query = new URLSearchParams(options.query ?? {});
  if (!options.multipart && options.fileName) query.set('file_name', options.fileName);
  const url = importsUrl(tenant, query.size > 0 ? `?${query}` : '');
  if (options.multipart) {
    const boundary = `----roster${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.fileName ?? 'users.bin'}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.isBuffer(body) ? body : Buffer.from(body),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return roster.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  }
  return roster.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/octet-stream' }, payload: body });
}

/** Uploads and waits until the import rests: ready, needs_mapping or failed. */
export async function settledImport(roster: TestRoster, tenant: TestTenant, body: string | Buffer, options: FileUpload = {}): Promise<ImportView> {
  const response = await uploadFile(roster, tenant, body, options);
  if (response.statusCode !== 201) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  return waitForImport(roster, tenant, response.json().id, ['ready', 'needs_mapping', 'failed']);
}

export async function putMapping(roster: TestRoster, tenant: TestTenant, id: string, mapping: Record<string, string | null>, role: Role = 'ADMIN') {
  return roster.app.inject({ method: 'PUT', url: importsUrl(tenant, `/${id}/mapping`), headers: tenant.operators[role].auth, payload: { mapping } });
}

export async function postFixes(roster: TestRoster, tenant: TestTenant, id: string, accept: string[], role: Role = 'ADMIN') {
  return roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${id}/fixes`), headers: tenant.operators[role].auth, payload: { accept } });
}

export async function patchRow(roster: TestRoster, tenant: TestTenant, id: string, row: number, values: Record<string, string>, role: Role = 'ADMIN') {
  return roster.app.inject({ method: 'PATCH', url: importsUrl(tenant, `/${id}/rows/${row}`), headers: tenant.operators[role].auth, payload: { values } });
}

export async function errorsCsv(roster: TestRoster, tenant: TestTenant, id: string): Promise<string> {
  const response = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${id}/errors.csv`), headers: tenant.operators.ADMIN.auth });
  if (response.statusCode !== 200) throw new Error(`errors.csv: ${response.statusCode} ${response.body}`);
  return response.body.replace(/^\uFEFF/, '');
}
