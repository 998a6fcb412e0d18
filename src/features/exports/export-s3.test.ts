import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { exportJobTestHooks } from './export.job.ts';
import { auditActions, download, parseExportCsv, requestExportAs, waitForExport } from '../../../test/support/exports.ts';
import { sweepOperations } from '../../platform/operations/index.ts';
import { operationUpkeeps } from '../index.ts';

const BUCKET = 'roster-exports-test';
const ROWS = 20_000;

let s3rver: S3rver;
let s3Directory: string;
let endpoint: string;
let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  s3Directory = await mkdtemp(path.join(tmpdir(), 'roster-export-s3-'));
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Directory, configureBuckets: [{ name: BUCKET }] });
  const address = await s3rver.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  // STORAGE_URL goes through the same configuration path as production; the SDK reads these as it would there.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  roster = await startTestRoster({ STORAGE_URL: `s3://${BUCKET}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true` });
  expect(roster.ctx.storage.kind).toBe('s3');
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  await sql`
    INSERT INTO users (app_id, vendor_data, full_name, tags, created_at)
    SELECT ${tenant.appId}::uuid, 's3-' || g, 'Señor ' || g, ARRAY['t' || (g % 3)], timestamptz '2026-01-01' + g * interval '1 second'
    FROM generate_series(1, ${ROWS}) g
  `.execute(roster.ctx.db);
});

afterAll(async () => {
  await roster?.close();
  await s3rver?.close();
  await rm(s3Directory, { recursive: true, force: true });
});

afterEach(() => {
  delete exportJobTestHooks.onChunk;
});

async function objectKeys(prefix: string): Promise<string[]> {
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key!);
  } finally {
    client.destroy();
  }
}

describe('exports on S3-compatible storage', () => {
  it('stream to the bucket and download through a short-lived presigned redirect', async () => {
    const owner = tenant.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, tenant.appId, {});
    const done = await waitForExport(roster, owner, tenant.appId, json.id);
    expect(done).toMatchObject({ status: 'completed', row_count: ROWS });

    const response = await download(roster, done.download_url!);
    expect(response.statusCode).toBe(302);
    const location = new URL(response.headers.location as string);
    expect(location.origin).toBe(endpoint);
    expect(Number(location.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);

    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    const body = Buffer.from(await fetched.arrayBuffer());
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const file = parseExportCsv(body.toString('utf8'));
    expect(file.rows).toHaveLength(ROWS);
    expect(file.rows[0]).toMatchObject({ vendor_data: 's3-1', full_name: 'Señor 1', tags: 't1' });

    const actions = (await auditActions(roster.ctx, tenant.orgId, json.id)).map((entry) => entry.action);
    expect(actions).toEqual(['export.requested', 'export.completed', 'export.downloaded']);
  });

  it('leave no partial object behind when an attempt dies mid-upload, and the retry completes exactly', { timeout: 60_000 }, async () => {
    const owner = tenant.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, tenant.appId, {});
    let failed = false;
    exportJobTestHooks.onChunk = ({ exportId, attempt, bytes }) => {
      if (exportId === json.id && attempt === 0 && bytes > 512 * 1024) {
        failed = true;
        throw new Error('connection to the bucket lost');
      }
    };
    const done = await waitForExport(roster, owner, tenant.appId, json.id);
    expect(failed).toBe(true);
    expect(done).toMatchObject({ status: 'completed', row_count: ROWS });
    const keys = await objectKeys(`exports/${tenant.appId}/${json.id}/`);
    const record = await roster.ctx.db.selectFrom('exports').select(['storage_key', 'parts']).where('id', '=', json.id).executeTakeFirstOrThrow();
    // The completed attempt's part and manifest (docs/warehouse.md), nothing of the failed one.
    expect(record.parts![0]!.key).toBe(record.storage_key);
    expect([...keys].sort()).toEqual(record.parts!.map((part) => part.key).sort());
  });

  it('delete the object once the link has expired', async () => {
    const owner = tenant.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, tenant.appId, { columns: ['vendor_data'], filters: { tags: ['t0'] } });
    const done = await waitForExport(roster, owner, tenant.appId, json.id);
    expect(await objectKeys(`exports/${tenant.appId}/${json.id}/`)).toHaveLength(2);
    await sweepOperations(roster.ctx, operationUpkeeps, new Date(Date.parse(done.expires_at!) + 1000));
    expect(await objectKeys(`exports/${tenant.appId}/${json.id}/`)).toEqual([]);
    expect((await download(roster, done.download_url!)).statusCode).toBe(410);
  });
});
