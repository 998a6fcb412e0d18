import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/db/schema.ts';
import type { TestRoster, TestTenant } from '../harness.ts';
import { tinyJpeg } from './users.ts';
import type { FaceImportView } from '../../src/features/face-imports/face-imports.schemas.ts';

/** Helpers the bulk-faces tests share. */

/** A distinct small JPEG per `n`: the same 8x8 image with a comment segment naming n. */
export function jpegVariant(n: number | string, padTo = 0): Buffer {
  const base = tinyJpeg();
  const text = Buffer.from(`face ${n}`);
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]), text]);
  const image = Buffer.concat([base.subarray(0, 2), comment, base.subarray(2)]);
  // Bytes after EOI are ignored by decoders: a way to make a large but valid JPEG.
  return padTo > image.length ? Buffer.concat([image, Buffer.alloc(padTo - image.length)]) : image;
}

export function faceImportsUrl(tenant: TestTenant, suffix = ''): string {
  return `/api/console/apps/${tenant.appId}/face-imports${suffix}`;
}

export async function uploadZip(roster: TestRoster, tenant: TestTenant, zip: Buffer, options: { role?: Role; multipart?: boolean; fileName?: string } = {}) {
  const auth = tenant.operators[options.role ?? 'ADMIN'].auth;
  if (options.multipart) {
    const boundary = `----roster${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.fileName ?? 'faces.zip'}"\r\nContent-Type: application/zip\r\n\r\n`),
      zip,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return roster.app.inject({ method: 'POST', url: faceImportsUrl(tenant), headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  }
  const query = options.fileName ? `?file_name=${encodeURIComponent(options.fileName)}` : '';
  return roster.app.inject({ method: 'POST', url: faceImportsUrl(tenant, query), headers: { ...auth, 'content-type': 'application/zip' }, payload: zip });
}

export async function waitForFaceImport(roster: TestRoster, tenant: TestTenant, id: string, timeoutMs = 60_000): Promise<FaceImportView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await roster.app.inject({ method: 'GET', url: faceImportsUrl(tenant, `/${id}`), headers: tenant.operators.ADMIN.auth });
    if (response.statusCode !== 200) throw new Error(`GET face import: ${response.statusCode} ${response.body}`);
    const view = response.json() as FaceImportView;
    if (view.status === 'completed' || view.status === 'failed' || view.status === 'cancelled') return view;
    if (Date.now() > deadline) throw new Error(`face import ${id} is still ${view.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function importZip(roster: TestRoster, tenant: TestTenant, zip: Buffer): Promise<FaceImportView> {
  const response = await uploadZip(roster, tenant, zip);
  if (response.statusCode !== 201) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  return waitForFaceImport(roster, tenant, response.json().id);
}

export async function reportOf(roster: TestRoster, tenant: TestTenant, id: string): Promise<Record<string, string>[]> {
  const response = await roster.app.inject({ method: 'GET', url: faceImportsUrl(tenant, `/${id}/report.csv`), headers: tenant.operators.ADMIN.auth });
  if (response.statusCode !== 200) throw new Error(`report: ${response.statusCode} ${response.body}`);
  const [header, ...lines] = response.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [columns[index]!, cell])));
}
