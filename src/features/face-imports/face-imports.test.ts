import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { buildZip, zerosDeflated } from '../../../test/zip-builder.ts';
import { createdUser, tinyPng, usersApi } from '../../../test/support/users.ts';
import { faceImportsUrl, importZip, jpegVariant, reportOf, uploadZip, waitForFaceImport } from '../../../test/support/face-imports.ts';

let roster: TestRoster;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  // A small cap on the upload itself, so the 413 is cheap to reach.
  roster = await startTestRoster({ FACE_IMPORT_MAX_BYTES: '4MB' });
  tenant = await createTestTenant(roster.ctx);
  other = await createTestTenant(roster.ctx);
  await roster.startWorker();
});
afterAll(async () => {
  await roster?.close();
});

const facesOf = (userId: string) => roster.ctx.db.selectFrom('faces').select(['id', 'storage_key', 'sha256']).where('user_id', '=', userId).execute();

function folderBytes(folder: string): number {
  let total = 0;
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const stats = statSync(path.join(folder, name));
    if (stats.isFile()) total += stats.size;
  }
  return total;
}

describe('POST /api/console/apps/{app_id}/face-imports', () => {
  it('adds each image to its user and reports every entry with its outcome and reason', async () => {
    const alice = await createdUser(roster, tenant, { vendor_data: 'alice' });
    const bob = await createdUser(roster, tenant, { vendor_data: 'bob' });
    const carol = await createdUser(roster, tenant, { vendor_data: 'carol' });
    await createdUser(roster, tenant, { vendor_data: 'dave' });
    const jose = await createdUser(roster, tenant, { vendor_data: 'Jos\u00e9' });
    const api = usersApi(roster, tenant);
    for (let i = 1; i <= 5; i++) expect((await api.uploadFace(bob.didit_internal_id, { image: tinyPng(i).toString('base64') })).statusCode).toBe(201);

    const zip = buildZip([
      { name: 'manifest.csv', data: Buffer.from('vendor_data,file\nalice,extra/alice-again.jpg\ncarol,missing.jpg\nalice,notes/not-really.jpg\n') },
      { name: 'alice.jpg', data: jpegVariant('alice') },
      { name: 'photos/deep/carol.PNG', data: tinyPng(9, 9) },
      { name: 'extra/alice-again.jpg', data: jpegVariant('alice') },
      { name: 'notes/not-really.jpg', data: Buffer.from('just some text') },
      { name: 'nobody.jpg', data: jpegVariant('nobody') },
      { name: 'bob.jpg', data: jpegVariant('bob') },
      { name: 'dave.jpeg', data: jpegVariant('dave', 2 * 1024 * 1024 + 1) },
      { name: 'readme.txt', data: Buffer.from('faces for the migration') },
      { name: '__MACOSX/._alice.jpg', data: Buffer.from('resource fork') },
      { name: 'photos/.DS_Store', data: Buffer.from('finder') },
      // A Mac's zip stores names decomposed (NFD); the user was created with the composed form.
      { name: 'Jose\u0301.jpg', data: jpegVariant('josé') },
    ]);
    const created = await uploadZip(roster, tenant, zip, { fileName: 'vendor-faces.zip' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ status: 'queued', file_name: 'vendor-faces.zip', added: 0, created_by: { email: tenant.operators.ADMIN.email } });

    const done = await waitForFaceImport(roster, tenant, created.json().id);
    expect(done).toMatchObject({ status: 'completed', total: 10, processed: 10, added: 3, skipped: 7, failed: 0, error: null });
    expect(done.finished_at).not.toBeNull();

    const report = await reportOf(roster, tenant, done.id);
    const byFile = Object.fromEntries(report.map((row) => [row.file, `${row.vendor_data}:${row.outcome}:${row.reason}`]));
    expect(byFile).toEqual({
      'extra/alice-again.jpg': 'alice:added:',
      'missing.jpg': 'carol:skipped:missing_file',
      'notes/not-really.jpg': 'alice:skipped:not_an_image',
      'alice.jpg': 'alice:skipped:duplicate',
      'photos/deep/carol.PNG': 'carol:added:',
      'nobody.jpg': 'nobody:skipped:unknown_user',
      'bob.jpg': 'bob:skipped:face_limit',
      'dave.jpeg': 'dave:skipped:too_large',
      'readme.txt': ':skipped:not_an_image',
      'Jose\u0301.jpg': 'Jos\u00e9:added:',
    });
    expect(report.map((row) => row.entry)).toEqual(report.map((_, index) => String(index + 1)));

    // The manifest's entry for alice came first; its duplicate was then never stored.
    expect(await facesOf(alice.didit_internal_id)).toHaveLength(1);
    expect(await facesOf(carol.didit_internal_id)).toHaveLength(1);
    expect(await facesOf(bob.didit_internal_id)).toHaveLength(5);
    expect(await facesOf(jose.didit_internal_id)).toHaveLength(1);
    const [aliceFace] = await facesOf(alice.didit_internal_id);
    expect(report.find((row) => row.vendor_data === 'alice' && row.outcome === 'added')!.face_id).toBe(aliceFace!.id);

    const audit = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'target_id', 'details', 'actor_label']).where('app_id', '=', tenant.appId).where('action', 'like', 'face%').orderBy('id').execute();
    const uploaded = audit.filter((entry) => entry.action === 'face.uploaded' && entry.details.face_import_id === done.id);
    expect(uploaded.map((entry) => entry.target_id).sort()).toEqual([alice.didit_internal_id, carol.didit_internal_id, jose.didit_internal_id].sort());
    expect(uploaded.every((entry) => entry.actor_label === tenant.operators.ADMIN.email)).toBe(true);
    expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['face_import.created', 'face_import.completed']));

    // The same ZIP again adds nothing: every image already on its user comes out as a duplicate.
    const again = await importZip(roster, tenant, zip);
    expect(again).toMatchObject({ status: 'completed', total: 10, added: 0 });
    const againReport = await reportOf(roster, tenant, again.id);
    expect(againReport.filter((row) => row.reason === 'duplicate').map((row) => row.file).sort()).toEqual(['Jose\u0301.jpg', 'alice.jpg', 'extra/alice-again.jpg', 'photos/deep/carol.PNG'].sort());
    expect(await facesOf(alice.didit_internal_id)).toHaveLength(1);
    expect(await facesOf(carol.didit_internal_id)).toHaveLength(1);
  });

  it('takes the ZIP as a multipart file too, and lists face imports newest first', async () => {
    await createdUser(roster, tenant, { vendor_data: 'erin' });
    const response = await uploadZip(roster, tenant, buildZip([{ name: 'erin.png', data: tinyPng(3, 4) }]), { multipart: true, fileName: 'C:\\exports\\erin.zip' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().file_name).toBe('erin.zip');
    expect(await waitForFaceImport(roster, tenant, response.json().id)).toMatchObject({ status: 'completed', added: 1 });
    const list = await roster.app.inject({ method: 'GET', url: faceImportsUrl(tenant, '?page_size=1'), headers: tenant.operators.OWNER.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().results.map((row: { id: string }) => row.id)).toEqual([response.json().id]);
    const next = await roster.app.inject({ method: 'GET', url: faceImportsUrl(tenant, `?page_size=1&cursor=${list.json().next}`), headers: tenant.operators.OWNER.auth });
    expect(next.json().results).toHaveLength(1);
    expect(next.json().results[0].id).not.toBe(response.json().id);
  });

  it('answers 400 without a file, 413 beyond FACE_IMPORT_MAX_BYTES, and fails a file that is not a ZIP', async () => {
    const empty = await roster.app.inject({ method: 'POST', url: faceImportsUrl(tenant), headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'application/zip' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('missing_file');
    const huge = await uploadZip(roster, tenant, Buffer.alloc(5 * 1024 * 1024, 1));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('file_too_large');
    const notZip = await importZip(roster, tenant, Buffer.from('vendor_data,email\nalice,a@example.com\n'));
    expect(notZip).toMatchObject({ status: 'failed', error: { code: 'invalid_zip' } });
  });

  it('refuses a ZIP bomb entry (claims 1 KB, inflates to 1 GB) without filling the disk or the memory', async () => {
    const before = folderBytes(roster.dataDir);
    const rssBefore = process.memoryUsage().rss;
    const bomb = zerosDeflated(1024);
    const zip = buildZip([
      { name: 'alice.jpg', data: Buffer.alloc(0), raw: { compressed: bomb, claimedSize: 1024 } },
      { name: 'honest/alice.jpg', data: Buffer.alloc(0), raw: { compressed: bomb, claimedSize: 1024 * 1024 * 1024 } },
      { name: 'erin.jpg', data: jpegVariant('erin after the bomb') },
    ]);
    const done = await importZip(roster, tenant, zip);
    expect(done).toMatchObject({ status: 'completed', total: 3, added: 1, skipped: 2 });
    const report = await reportOf(roster, tenant, done.id);
    expect(report.map((row) => `${row.file}:${row.reason}`)).toEqual(['alice.jpg:too_large', 'honest/alice.jpg:too_large', 'erin.jpg:']);
    const record = await roster.ctx.db.selectFrom('face_imports').select('inflated_bytes').where('id', '=', done.id).executeTakeFirstOrThrow();
    expect(Number(record.inflated_bytes)).toBeLessThan(4 * 1024 * 1024);
    // Nothing near the bomb's size was ever written or held; the stored ZIP itself goes once processed.
    const deadline = Date.now() + 10_000;
    while (folderBytes(roster.dataDir) - before > 64 * 1024 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(folderBytes(roster.dataDir) - before).toBeLessThan(64 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('fails an archive whose entries together inflate far beyond its size, keeping what it added', async () => {
    // Each entry is exactly at the per-image cap (2 MB of zeros, read whole, then not an image).
    const entries = Array.from({ length: 50 }, (_, index) => ({ name: `part${index}/alice.jpg`, data: Buffer.alloc(2 * 1024 * 1024) }));
    const done = await importZip(roster, tenant, buildZip(entries));
    expect(done).toMatchObject({ status: 'failed', error: { code: 'zip_bomb' } });
    expect(done.processed).toBeGreaterThan(0);
    expect(done.processed).toBeLessThan(50);
  });

  it('fails a few-KB ZIP whose manifest.csv lists 1,000,000 rows with too_many_entries, before any entry is planned (issue #19)', async () => {
    const manifest = Buffer.from(`vendor_data,file\n${'u,x.jpg\n'.repeat(1_000_000)}`);
    const zip = buildZip([{ name: 'manifest.csv', data: manifest }]);
    expect(zip.length).toBeLessThan(32 * 1024);
    const done = await importZip(roster, tenant, zip);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'too_many_entries', message: expect.stringContaining('manifest.csv') }, total: 0 });
  });
});

describe('who may use bulk faces', () => {
  it('allows the import roles only, and keeps each application to its own face imports', async () => {
    const zip = buildZip([{ name: 'nobody.jpg', data: jpegVariant(1) }]);
    for (const role of ['DEVELOPER', 'READER'] as const) {
      expect((await uploadZip(roster, tenant, zip, { role })).statusCode).toBe(403);
      expect((await roster.app.inject({ method: 'GET', url: faceImportsUrl(tenant), headers: tenant.operators[role].auth })).statusCode).toBe(403);
    }
    for (const role of ['OWNER', 'COMPLIANCE_OFFICER'] as const) expect((await uploadZip(roster, tenant, zip, { role })).statusCode).toBe(201);

    const mine = (await uploadZip(roster, tenant, zip)).json();
    // Another organization's operator sees neither the list, the import nor its report.
    const foreign = other.operators.OWNER.auth;
    for (const suffix of ['', `/${mine.id}`, `/${mine.id}/report.csv`]) {
      const response = await roster.app.inject({ method: 'GET', url: faceImportsUrl(tenant, suffix), headers: foreign });
      expect(response.statusCode).toBe(404);
    }
    expect((await uploadZip(roster, { ...tenant, operators: other.operators }, zip)).statusCode).toBe(404);
    // Their own application does not see it under its id either.
    const crossId = await roster.app.inject({ method: 'GET', url: faceImportsUrl(other, `/${mine.id}`), headers: foreign });
    expect(crossId.statusCode).toBe(404);
    const theirList = await roster.app.inject({ method: 'GET', url: faceImportsUrl(other), headers: foreign });
    expect(theirList.json().results).toEqual([]);
  });
});
