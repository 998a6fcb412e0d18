import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface TestBucket {
  endpoint: string;
  bucket: string;
  /** STORAGE_URL naming the bucket: Roster reaches it through the same configuration path as production. */
  storageUrl: string;
  close(): Promise<void>;
}

/** A real S3 server (s3rver) on a free local port with one bucket; the SDK's credentials set as it reads them. */
export async function startTestBucket(bucket: string): Promise<TestBucket> {
  const directory = await mkdtemp(path.join(tmpdir(), `${bucket}-`));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  return {
    endpoint,
    bucket,
    storageUrl: `s3://${bucket}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
