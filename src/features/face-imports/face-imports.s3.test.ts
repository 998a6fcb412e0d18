import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { buildZip } from '../../../test/zip-builder.ts';
import { createdUser } from '../../../test/support/users.ts';
import { importZip, jpegVariant, reportOf } from '../../../test/support/face-imports.ts';

let s3: S3rver;
let s3Directory: string;
let roster: TestRoster;

beforeAll(async () => {
  s3Directory = await mkdtemp(path.join(tmpdir(), 'roster-faces-s3-'));
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Directory, configureBuckets: [{ name: 'roster-faces' }] });
  const { port } = await s3.run();
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  roster = await startTestRoster({ STORAGE_URL: `s3://roster-faces?endpoint=${encodeURIComponent(`http://127.0.0.1:${port}`)}&region=us-east-1&forcePathStyle=true` });
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
      else if (entry.name.endsWith('._S3rver_object')) found.push(path.relative(path.join(s3Directory, 'roster-faces'), full).replace(/\._S3rver_object$/, ''));
    }
  };
  await walk(path.join(s3Directory, 'roster-faces'));
  return found.sort();
}

describe('bulk faces with STORAGE_URL=s3://…', () => {
  it('stores the ZIP in the bucket, adds the faces there and removes the ZIP when done', async () => {
    expect(roster.ctx.storage.kind).toBe('s3');
    const tenant = await createTestTenant(roster.ctx);
    await createdUser(roster, tenant, { vendor_data: 's3-ana' });
    await createdUser(roster, tenant, { vendor_data: 's3-bo' });
    const done = await importZip(roster, tenant, buildZip([{ name: 's3-ana.jpg', data: jpegVariant('ana') }, { name: 'x/s3-bo.jpg', data: jpegVariant('bo') }, { name: 's3-nobody.jpg', data: jpegVariant('n') }]));
    expect(done).toMatchObject({ status: 'completed', added: 2, skipped: 1 });
    expect((await reportOf(roster, tenant, done.id)).map((row) => row.reason)).toEqual(['', '', 'unknown_user']);
    const faces = await roster.ctx.db.selectFrom('faces').select('storage_key').where('app_id', '=', tenant.appId).execute();
    // The ZIP went once processed; the bucket holds exactly the faces.
    const deadline = Date.now() + 10_000;
    while ((await objectsInBucket()).some((key) => key.startsWith('face-imports/')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await objectsInBucket()).toEqual(faces.map((face) => face.storage_key).sort());
  });
});
