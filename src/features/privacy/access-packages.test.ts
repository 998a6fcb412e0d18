import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { mailsTo } from '../../../test/outbox.ts';
import { csvText, previewOf, startAndFinish, templateHeader } from '../../../test/support/imports.ts';
import { requestExportAs, waitForExport } from '../../../test/support/exports.ts';
import { tinyJpeg, tinyPng } from '../../../test/support/users.ts';

/** Subject-access packages (docs/privacy.md#subject-access), on S3-compatible storage (s3rver). */

const BUCKET = 'roster-access-test';
let s3rver: S3rver;
let s3Directory: string;
let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  s3Directory = await mkdtemp(path.join(tmpdir(), 'roster-access-s3-'));
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Directory, configureBuckets: [{ name: BUCKET }] });
  const address = await s3rver.run();
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  roster = await startTestRoster({ STORAGE_URL: `s3://${BUCKET}?endpoint=${encodeURIComponent(`http://127.0.0.1:${address.port}`)}&region=us-east-1&forcePathStyle=true` });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
});

afterAll(async () => {
  await roster?.close();
  await s3rver?.close();
  await rm(s3Directory, { recursive: true, force: true });
});

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = tenant.keyAuth) => roster.app.inject({ method, url, headers, payload: payload as never });
const consoleUrl = (suffix: string) => `/api/console/apps/${tenant.appId}${suffix}`;

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      const files = new Map<string, Buffer>();
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            archive.readEntry();
          });
        });
      });
      archive.on('end', () => resolve(files));
      archive.readEntry();
    });
  });
}

async function waitForPackage(id: string, auth = tenant.operators.COMPLIANCE_OFFICER.auth) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = (await api('GET', consoleUrl(`/access-packages/${id}`), undefined, auth)).json();
    if (body.status !== 'queued' && body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`package ${id} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Follows the signed link (a 302 to a short-lived S3 link) and reads the ZIP. */
async function fetchPackage(downloadUrl: string): Promise<Map<string, Buffer>> {
  const url = new URL(downloadUrl);
  const response = await roster.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
  expect(response.statusCode).toBe(302);
  const fetched = await fetch(response.headers.location as string);
  expect(fetched.status).toBe(200);
  return unzip(Buffer.from(await fetched.arrayBuffer()));
}

const json = (files: Map<string, Buffer>, name: string) => JSON.parse(files.get(name)!.toString('utf8'));

describe('a subject-access package', () => {
  it("holds the person's record, history with from/to, sessions, faces, recipients and processing record", async () => {
    // Created and changed through the API, an import and the console; two faces; a session.
    const created = await api('POST', '/v3/users/create/', { vendor_data: 'sar-1', full_name: 'Pierre Jansen', email: 'pierre.jansen@mail.de', country: 'DEU' });
    expect(created.statusCode).toBe(201);
    const userId = created.json().didit_internal_id as string;
    expect((await api('PATCH', '/v3/users/sar-1/', { phone: '+4915112345678' })).statusCode).toBe(200);
    const preview = await previewOf(roster, tenant, csvText([templateHeader, ['sar-1', 'PJ', '', '', '', '', '', 'vip', '']]));
    await startAndFinish(roster, tenant, preview.id);
    expect((await api('PATCH', consoleUrl(`/users/${userId}`), { email: 'p.jansen@mail.de' }, tenant.operators.ADMIN.auth)).statusCode).toBe(200);
    for (const image of [tinyJpeg(), tinyPng()]) {
      const upload = await api('POST', `/v3/organization/${tenant.orgId}/application/${tenant.appId}/vendor-users/by-id/${userId}/faces/upload/`, { image: image.toString('base64') });
      expect(upload.statusCode).toBe(201);
    }
    expect((await api('POST', '/v3/users/sar-1/sessions/', { session_id: 'sess-1', status: 'APPROVED', completed_at: '2026-12-01T10:00:00Z' })).statusCode).toBe(200);
    // Another user, so an export can leave this one out.
    expect((await api('POST', '/v3/users/create/', { vendor_data: 'other-1', country: 'FRA' })).statusCode).toBe(201);

    // Exported once with every column; a second export's filters leave the person out.
    const owner = tenant.operators.OWNER.auth;
    const full = (await requestExportAs(roster, owner, tenant.appId, {})).json;
    expect((await waitForExport(roster, owner, tenant.appId, full.id)).status).toBe('completed');
    const french = (await requestExportAs(roster, owner, tenant.appId, { filters: { country: ['FRA'] } })).json;
    expect((await waitForExport(roster, owner, tenant.appId, french.id)).status).toBe('completed');
    // Changed after the export: the export still held the person as they were then.
    expect((await api('PATCH', '/v3/users/sar-1/', { country: 'FRA' })).statusCode).toBe(200);

    const officer = tenant.operators.COMPLIANCE_OFFICER;
    const requested = await api('POST', consoleUrl(`/users/${userId}/access-package`), undefined, officer.auth);
    expect(requested.statusCode).toBe(202);
    expect(requested.json()).toMatchObject({ status: 'queued', didit_internal_id: userId, download_url: null });
    const done = await waitForPackage(requested.json().id);
    expect(done).toMatchObject({ status: 'completed', error: null });
    expect(done.download_url).toMatch(/^http:\/\/roster\.test\/api\/console\/access-packages\//);

    const [mail] = await mailsTo(roster.dataDir, officer.email);
    expect(mail?.text).toContain(done.download_url);

    const files = await fetchPackage(done.download_url);
    expect([...files.keys()].sort()).toEqual(
      ['README.txt', 'history.json', 'processing.json', 'recipients.json', 'sessions.json', 'user.json', ...json(files, 'user.json').faces.map((face: { file: string }) => face.file)].sort(),
    );
    const user = json(files, 'user.json');
    expect(user).toMatchObject({ didit_internal_id: userId, vendor_data: 'sar-1', full_name: 'Pierre Jansen', email: 'p.jansen@mail.de', phone: '+4915112345678', display_name: 'PJ', country: 'FRA', tags: ['vip'] });
    expect(user.faces).toHaveLength(2);
    expect(files.get(user.faces[0].file)!.equals(tinyJpeg())).toBe(true);
    expect(files.get(user.faces[1].file)!.equals(tinyPng())).toBe(true);

    const history = json(files, 'history.json') as { action: string; changes: Record<string, { from: unknown; to: unknown }> | null; details: Record<string, unknown> }[];
    const changes = history.filter((entry) => entry.changes);
    expect(changes.map((entry) => entry.action)).toEqual(expect.arrayContaining(['user.created', 'user.updated']));
    expect(changes.some((entry) => entry.details.import_id === preview.id && (entry.changes!.display_name as { to: unknown }).to === 'PJ')).toBe(true);
    expect(changes.some((entry) => (entry.changes!.email as { from: unknown; to: unknown } | undefined)?.from === 'pierre.jansen@mail.de')).toBe(true);
    expect(history.some((entry) => entry.action === 'user.access_package_requested')).toBe(true);

    expect(json(files, 'sessions.json')).toEqual([expect.objectContaining({ session_id: 'sess-1', status: 'APPROVED', completed_at: '2026-12-01T10:00:00.000Z' })]);

    const recipients = json(files, 'recipients.json');
    expect(recipients.exports).toEqual([expect.objectContaining({ export_id: full.id, included: 'yes', included_as: 'row', requested_by: tenant.operators.OWNER.email })]);
    expect(recipients.exports[0].personal_data_columns).toEqual(expect.arrayContaining(['email', 'phone', 'full_name']));
    expect(recipients).toMatchObject({ exports_checked: 2, exports_without_this_person: 1, could_not_tell: [] });

    const processing = json(files, 'processing.json');
    expect(processing.data_categories.map((category: { category: string }) => category.category)).toContain('Face images');
    expect(processing.retention.length).toBeGreaterThan(0);
    expect(files.get('README.txt')!.toString('utf8')).toContain('recipients.json');

    const audit = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'target_id']).where('action', 'like', '%access_package%').execute();
    expect(audit).toEqual(expect.arrayContaining([
      { action: 'user.access_package_requested', target_id: userId },
      { action: 'access_package.completed', target_id: done.id },
      { action: 'user.access_package_downloaded', target_id: userId },
    ]));
  });

  it('is refused to DEVELOPER and READER (403), unknown users (404) and other organizations (404)', async () => {
    const created = await api('POST', '/v3/users/create/', { vendor_data: 'sar-roles' });
    const userId = created.json().didit_internal_id as string;
    for (const role of ['DEVELOPER', 'READER'] as const) {
      const response = await api('POST', consoleUrl(`/users/${userId}/access-package`), undefined, tenant.operators[role].auth);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('forbidden_role');
    }
    const unknown = await api('POST', consoleUrl('/users/00000000-0000-4000-8000-000000000000/access-package'), undefined, tenant.operators.ADMIN.auth);
    expect(unknown.statusCode).toBe(404);
    const other = await createTestTenant(roster.ctx);
    const crossTenant = await api('POST', consoleUrl(`/users/${userId}/access-package`), undefined, other.operators.OWNER.auth);
    expect(crossTenant.statusCode).toBe(404);
    const ownApp = await api('POST', `/api/console/apps/${other.appId}/users/${userId}/access-package`, undefined, other.operators.OWNER.auth);
    expect(ownApp.statusCode).toBe(404);
    const made = (await api('POST', consoleUrl(`/users/${userId}/access-package`), undefined, tenant.operators.OWNER.auth)).json();
    expect((await api('GET', `/api/console/apps/${other.appId}/access-packages/${made.id}`, undefined, other.operators.OWNER.auth)).statusCode).toBe(404);
    const listed = await api('GET', consoleUrl(`/users/${userId}/access-packages`), undefined, tenant.operators.OWNER.auth);
    expect(listed.json().results.map((item: { id: string }) => item.id)).toEqual([made.id]);
    await waitForPackage(made.id);
  });

  it('refuses a tampered link', async () => {
    const response = await roster.app.inject({ method: 'GET', url: `/api/console/access-packages/00000000-0000-4000-8000-000000000000/download?expires=9999999999&sig=${'0'.repeat(64)}` });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('invalid_signature');
  });
});
