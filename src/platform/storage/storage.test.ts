import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createStorage,
  InvalidStorageKeyError,
  localFilesRoutes,
  parseStorageUrl,
  StorageNotFoundError,
  StorageTooLargeError,
  verifyLocalSignature,
  type ObjectStorage,
} from './storage.js';

const MB = 1024 * 1024;
const SECRET = 'test-secret-0123456789';
const PUBLIC_URL = 'http://roster.test:3000';
const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Deterministic, non-repeating-per-chunk bytes, so a reordered or dropped chunk changes the hash. */
function* patternChunks(totalBytes: number, chunkSize = 256 * 1024): Generator<Buffer> {
  const base = createHash('sha512').update('roster').digest();
  for (let offset = 0, index = 0; offset < totalBytes; offset += chunkSize, index++) {
    const chunk = Buffer.alloc(Math.min(chunkSize, totalBytes - offset));
    for (let i = 0; i < chunk.length; i += base.length) base.copy(chunk, i);
    chunk.writeUInt32BE(index, 0);
    yield chunk;
  }
}

function patternStream(totalBytes: number): Readable {
  return Readable.from(patternChunks(totalBytes));
}

function patternHash(totalBytes: number): string {
  const hash = createHash('sha256');
  for (const chunk of patternChunks(totalBytes)) hash.update(chunk);
  return hash.digest('hex');
}

async function hashStream(stream: NodeJS.ReadableStream): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The behaviour every ObjectStorage must share, whatever is behind it. */
function behavesLikeObjectStorage(storage: () => ObjectStorage): void {
  it('round-trips a 30 MB stream without changing a byte', { timeout: 60_000 }, async () => {
    const key = `imports/${randomUUID()}.csv`;
    const size = 30 * MB;
    const result = await storage().put(key, patternStream(size), { contentType: 'text/csv' });
    expect(result.bytes).toBe(size);
    expect(await storage().stat(key)).toEqual({ bytes: size });
    expect(await hashStream(await storage().get(key))).toEqual({ sha256: patternHash(size), bytes: size });
  });

  it('stores a Buffer body', async () => {
    const key = `faces/app-1/${randomUUID()}.jpg`;
    const body = Buffer.from('not really a jpeg');
    expect(await storage().put(key, body, { contentType: 'image/jpeg' })).toEqual({ bytes: body.length });
    expect(await readAll(await storage().get(key))).toEqual(body);
  });

  it('stores an empty stream as an empty object', async () => {
    const key = `imports/${randomUUID()}.csv`;
    expect(await storage().put(key, Readable.from([]))).toEqual({ bytes: 0 });
    expect(await storage().stat(key)).toEqual({ bytes: 0 });
  });

  it('shows no object until the write completes', async () => {
    const key = `exports/${randomUUID()}.csv`;
    const body = new PassThrough();
    const writing = storage().put(key, body);
    body.write(Buffer.alloc(MB, 1));
    await new Promise((done) => setTimeout(done, 100));
    expect(await storage().stat(key)).toBeNull();
    body.end(Buffer.alloc(MB, 2));
    expect(await writing).toEqual({ bytes: 2 * MB });
    expect(await storage().stat(key)).toEqual({ bytes: 2 * MB });
  });

  it('refuses a stream over maxBytes, leaves no object and does not destroy the caller\'s stream', { timeout: 60_000 }, async () => {
    const key = `imports/${randomUUID()}.csv`;
    // Over one 8 MB part, so on S3 a multipart upload has begun and must be aborted.
    const source = patternStream(12 * MB);
    await expect(storage().put(key, source, { maxBytes: 9 * MB })).rejects.toBeInstanceOf(StorageTooLargeError);
    expect(await storage().stat(key)).toBeNull();
    expect(source.destroyed).toBe(false);
    source.destroy();
  });

  it('accepts a stream of exactly maxBytes', async () => {
    const key = `imports/${randomUUID()}.csv`;
    expect(await storage().put(key, patternStream(MB), { maxBytes: MB })).toEqual({ bytes: MB });
  });

  it('refuses a Buffer over maxBytes before writing anything', async () => {
    const key = `faces/app-1/${randomUUID()}.png`;
    await expect(storage().put(key, Buffer.alloc(11), { maxBytes: 10 })).rejects.toBeInstanceOf(StorageTooLargeError);
    expect(await storage().stat(key)).toBeNull();
  });

  it('keeps the previous object when an overwrite fails', async () => {
    const key = `imports/${randomUUID()}.csv`;
    await storage().put(key, Buffer.from('first version'));
    await expect(storage().put(key, patternStream(2 * MB), { maxBytes: MB })).rejects.toBeInstanceOf(StorageTooLargeError);
    expect((await readAll(await storage().get(key))).toString()).toBe('first version');
  });

  it('fails the put when the source stream fails, leaving no object', async () => {
    const key = `imports/${randomUUID()}.csv`;
    const source = new PassThrough();
    const writing = storage().put(key, source);
    source.write(Buffer.alloc(1000));
    source.destroy(new Error('client went away'));
    await expect(writing).rejects.toThrow('client went away');
    expect(await storage().stat(key)).toBeNull();
  });

  it('reports a missing object as null from stat and StorageNotFoundError from get', async () => {
    const key = `exports/${randomUUID()}.csv`;
    expect(await storage().stat(key)).toBeNull();
    await expect(storage().get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('treats a folder-like key as missing', async () => {
    const id = randomUUID();
    await storage().put(`faces/${id}/a.jpg`, Buffer.from('x'));
    expect(await storage().stat(`faces/${id}`)).toBeNull();
    await expect(storage().get(`faces/${id}`)).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('deletes idempotently', async () => {
    const key = `exports/${randomUUID()}.csv`;
    await storage().put(key, Buffer.from('a,b\n'));
    await storage().delete(key);
    expect(await storage().stat(key)).toBeNull();
    await expect(storage().delete(key)).resolves.toBeUndefined();
  });

  it.each(['../escape.csv', 'imports/../../etc/passwd', '/etc/passwd', 'imports\\x.csv', 'imports//x.csv', '.hidden', 'a/./b', ''])(
    'rejects the key %j',
    async (key) => {
      await expect(storage().put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage().get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage().stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage().delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage().signedUrl(key, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(InvalidStorageKeyError);
    },
  );
}

describe('local storage', () => {
  let dataDir: string;
  let storage: ObjectStorage;
  let app: FastifyInstance;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roster-storage-'));
    storage = createStorage({ dataDir, publicUrl: `${PUBLIC_URL}/`, secret: SECRET });
    app = Fastify();
    await app.register(localFilesRoutes, { storage, secret: SECRET });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is the local kind', () => expect(storage.kind).toBe('local'));

  behavesLikeObjectStorage(() => storage);

  it('keeps files under <dataDir>/files/<key> and leaves no temp file behind a failed write', async () => {
    const id = randomUUID();
    await storage.put(`imports/${id}.csv`, Buffer.from('vendor_data\n'));
    await expect(storage.put(`imports/${id}-big.csv`, Buffer.alloc(100), { maxBytes: 10 })).rejects.toThrow();
    await expect(storage.put(`imports/${id}-big.csv`, patternStream(MB), { maxBytes: 10 })).rejects.toThrow();
    const names = await readdir(join(dataDir, 'files', 'imports'));
    expect(names).toContain(`${id}.csv`);
    expect(names.filter((name) => name.startsWith('.') || name.includes(id + '-big'))).toEqual([]);
  });

  describe('signed links', () => {
    const fetchPath = (url: string) => {
      const parsed = new URL(url);
      return app.inject({ method: 'GET', url: parsed.pathname + parsed.search });
    };

    it('serves the exact bytes with download headers', async () => {
      const key = `exports/${randomUUID()}.csv`;
      const body = Buffer.from('vendor_data,email\nu1,a@example.com\n');
      await storage.put(key, body);
      const url = await storage.signedUrl(key, {
        expiresInSeconds: 3600,
        downloadName: 'users export é.csv',
        contentType: 'text/csv; charset=utf-8',
      });
      expect(url.startsWith(`${PUBLIC_URL}/files/${key}?`)).toBe(true);

      const response = await fetchPath(url);
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload).toEqual(body);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-length']).toBe(String(body.length));
      expect(response.headers['cache-control']).toBe('private, no-store');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="users export _.csv"; filename*=UTF-8''users%20export%20%C3%A9.csv`,
      );
    });

    it('serves keys that need URL encoding, without a download name', async () => {
      const key = `faces/app 1/${randomUUID()}+x.jpg`;
      await storage.put(key, Buffer.from([0xff, 0xd8, 0xff]));
      const response = await fetchPath(await storage.signedUrl(key, { expiresInSeconds: 60 }));
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/jpeg');
      expect(response.headers['content-disposition']).toBeUndefined();
      expect(response.rawPayload).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    });

    it.each([
      ['a changed signature', (u: URL) => u.searchParams.set('sig', flipLastHex(u.searchParams.get('sig')!))],
      ['no signature', (u: URL) => u.searchParams.delete('sig')],
      ['a changed download name', (u: URL) => u.searchParams.set('name', 'other.csv')],
      ['a later expiry', (u: URL) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600))],
      ['another key', (u: URL) => (u.pathname = u.pathname.replace(/\.csv$/, '.txt'))],
    ])('refuses a link with %s as invalid_signature', async (_label, tamper) => {
      const key = `exports/${randomUUID()}.csv`;
      await storage.put(key, Buffer.from('secret rows'));
      const url = new URL(await storage.signedUrl(key, { expiresInSeconds: 60, downloadName: 'export.csv' }));
      tamper(url);
      const response = await fetchPath(url.toString());
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    });

    it('refuses an expired link as link_expired', async () => {
      const key = `exports/${randomUUID()}.csv`;
      await storage.put(key, Buffer.from('rows'));
      const url = await storage.signedUrl(key, { expiresInSeconds: 60 });
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 61_000);
        const response = await fetchPath(url);
        expect(response.statusCode).toBe(403);
        expect(response.json()).toMatchObject({ error: { code: 'link_expired' } });
      } finally {
        vi.useRealTimers();
      }
    });

    it('answers a browser (Accept: text/html) an expired or altered link with a page in words, a script with JSON', async () => {
      const key = `exports/${randomUUID()}.csv`;
      await storage.put(key, Buffer.from('rows'));
      const url = new URL(await storage.signedUrl(key, { expiresInSeconds: 60, downloadName: 'export.csv' }));
      const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 61_000);
        const expired = await app.inject({ method: 'GET', url: url.pathname + url.search, headers: browser });
        expect(expired.statusCode).toBe(403);
        expect(expired.headers['content-type']).toContain('text/html');
        expect(expired.body).toContain('This link has expired; ask for a new one.');
        expect(expired.body).toContain('<code>link_expired</code>');
        expect(expired.body).not.toContain('{"error"');
      } finally {
        vi.useRealTimers();
      }
      url.searchParams.set('sig', flipLastHex(url.searchParams.get('sig')!));
      const altered = await app.inject({ method: 'GET', url: url.pathname + url.search, headers: browser });
      expect(altered.statusCode).toBe(403);
      expect(altered.body).toContain('<h1>This link does not work</h1>');
      const scripted = await app.inject({ method: 'GET', url: url.pathname + url.search, headers: { accept: '*/*' } });
      expect(scripted.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    });

    it('answers 404 not_found when the file is gone', async () => {
      const key = `exports/${randomUUID()}.csv`;
      await storage.put(key, Buffer.from('rows'));
      const url = await storage.signedUrl(key, { expiresInSeconds: 60 });
      await storage.delete(key);
      const response = await fetchPath(url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    });

    it('never serves a path outside the files folder', async () => {
      for (const path of ['/files/../../etc/passwd', '/files/%2e%2e/%2e%2e/etc/passwd', '/files/imports%5C..%5Cx']) {
        const response = await app.inject({ method: 'GET', url: `${path}?expires=99999999999&sig=${'0'.repeat(64)}` });
        expect(response.statusCode).not.toBe(200);
      }
    });

    it('verifies signatures only with the same secret', async () => {
      const key = `exports/${randomUUID()}.csv`;
      const query = Object.fromEntries(new URL(await storage.signedUrl(key, { expiresInSeconds: 60 })).searchParams);
      expect(verifyLocalSignature(SECRET, key, query)).toBe('ok');
      expect(verifyLocalSignature('another-secret', key, query)).toBe('invalid');
      expect(verifyLocalSignature(SECRET, key, { ...query, sig: [query.sig] })).toBe('invalid');
    });
  });
});

function flipLastHex(sig: string): string {
  return sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
}

describe('S3 storage (s3rver)', () => {
  let directory: string;
  let server: S3rver;
  let endpoint: string;
  let storage: ObjectStorage;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'roster-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: 'roster-test' }] });
    const address = await server.run();
    endpoint = `http://127.0.0.1:${address.port}`;
    storage = createStorage({
      storageUrl: `s3://roster-test?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
      dataDir: directory,
      publicUrl: PUBLIC_URL,
      secret: SECRET,
      credentials: S3_CREDENTIALS,
    });
  });

  afterAll(async () => {
    (storage as { destroy?: () => void } | undefined)?.destroy?.();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('is the s3 kind', () => expect(storage.kind).toBe('s3'));

  behavesLikeObjectStorage(() => storage);

  it('gives a presigned link that downloads the same bytes as an attachment', async () => {
    const key = `exports/${randomUUID()}.csv`;
    const body = Buffer.from('vendor_data\nu1\nu2\n');
    await storage.put(key, body, { contentType: 'text/csv' });
    const url = await storage.signedUrl(key, { expiresInSeconds: 300, downloadName: 'users.csv', contentType: 'text/csv' });
    expect(url.startsWith(`${endpoint}/roster-test/${key}?`)).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(body);
    expect(response.headers.get('content-disposition')).toContain('filename="users.csv"');
  });

  it('puts every key under the prefix= parameter', async () => {
    const prefixed = createStorage({
      storageUrl: `s3://roster-test?endpoint=${encodeURIComponent(endpoint)}&forcePathStyle=true&prefix=tenant-a/`,
      dataDir: directory,
      publicUrl: PUBLIC_URL,
      secret: SECRET,
      credentials: S3_CREDENTIALS,
    });
    const key = `imports/${randomUUID()}.csv`;
    await prefixed.put(key, Buffer.from('abc'));
    expect(await prefixed.stat(key)).toEqual({ bytes: 3 });
    expect(await storage.stat(`tenant-a/${key}`)).toEqual({ bytes: 3 });
    expect(await storage.stat(key)).toBeNull();
    (prefixed as { destroy?: () => void }).destroy?.();
  });
});

describe('STORAGE_URL parsing', () => {
  it('reads bucket, endpoint, region, path style and prefix', () => {
    expect(
      parseStorageUrl('s3://my-bucket?endpoint=http://minio:9000&region=eu-west-1&forcePathStyle=true&prefix=/roster/'),
    ).toEqual({ bucket: 'my-bucket', endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true, prefix: 'roster' });
  });

  it('defaults to virtual-hosted style and the SDK endpoint', () => {
    expect(parseStorageUrl('s3://my-bucket?region=eu-west-1')).toMatchObject({ endpoint: undefined, forcePathStyle: false });
  });

  it.each([
    'not a url',
    'http://my-bucket',
    's3://',
    's3://my-bucket/some/path',
    's3://key:secret@my-bucket',
    's3://my-bucket?endpoint=minio:9000',
    's3://my-bucket?forcePathStyle=yes',
    's3://my-bucket?forcepathstyle=true',
    's3://my-bucket?prefix=../x',
  ])('rejects %j with one line starting "STORAGE_URL: "', (url) => {
    expect(() => createStorage({ storageUrl: url, dataDir: '/tmp', publicUrl: PUBLIC_URL, secret: SECRET })).toThrow(
      /^STORAGE_URL: [^\n]+$/,
    );
  });
});
