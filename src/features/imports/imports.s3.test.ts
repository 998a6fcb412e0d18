import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { csvText, importsUrl, previewOf, startAndFinish, templateHeader, uploadCsv, usersOf } from '../../../test/support/imports.ts';

let s3: S3rver;
let s3Directory: string;
let roster: TestRoster;

beforeAll(async () => {
  s3Directory = await mkdtemp(path.join(tmpdir(), 'roster-import-s3-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Directory, configureBuckets: [{ name: 'roster-imports' }] });
  const { port } = await s3.run();
  // The default AWS credential chain reads these, as it would in production.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  roster = await startTestRoster({
    STORAGE_URL: `s3://roster-imports?endpoint=${encodeURIComponent(`http://127.0.0.1:${port}`)}&region=us-east-1&forcePathStyle=true`,
    IMPORT_MAX_BYTES: '1MB',
  });
  await roster.startWorker();
});
afterAll(async () => {
  await roster?.close();
  await s3?.close();
  await rm(s3Directory, { recursive: true, force: true });
});

async function objectsInBucket(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('._S3rver_object')) found.push(path.relative(path.join(s3Directory, 'roster-imports'), full).replace(/\._S3rver_object$/, ''));
    }
  };
  await walk(path.join(s3Directory, 'roster-imports'));
  return found;
}

describe('imports with STORAGE_URL=s3://…', () => {
  it('stores the upload in the bucket, validates it from there and runs it', async () => {
    expect(roster.ctx.storage.kind).toBe('s3');
    const tenant = await createTestTenant(roster.ctx);
    const file = csvText([templateHeader, ['s3-1', 'Ana', '', 'ana@example.com', '+34600123456', 'ESP', '', 'vip', ''], ['s3-2', 'Bo', '', 'bad-email', '', '', '', '', '']]);
    const ready = await previewOf(roster, tenant, file, { multipart: true });
    expect(ready).toMatchObject({ status: 'ready', valid_rows: 1, invalid_rows: 1 });
    expect(await objectsInBucket()).toContain(`imports/${tenant.appId}/${ready.id}.csv`);
    expect(existsSync(path.join(roster.dataDir, 'files', 'imports'))).toBe(false);

    const done = await startAndFinish(roster, tenant, ready.id);
    expect(done).toMatchObject({ created: 1, skipped: 1 });
    expect((await usersOf(roster, tenant)).map((user) => user.vendor_data)).toEqual(['s3-1']);
    const report = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${ready.id}/errors.csv`), headers: tenant.operators.ADMIN.auth });
    expect(report.body).toContain('bad-email');
  });

  it('answers 413 for a file over IMPORT_MAX_BYTES and leaves no object behind', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const before = await objectsInBucket();
    const response = await uploadCsv(roster, tenant, `vendor_data\n${'x'.repeat(1024 * 1024)}\n`);
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('file_too_large');
    expect(await objectsInBucket()).toEqual(before);
  });
});
