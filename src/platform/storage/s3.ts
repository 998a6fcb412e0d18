import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import {
  assertHeaderSafe,
  assertValidExpiry,
  assertValidKey,
  attachmentDisposition,
  meterBody,
  StorageNotFoundError,
  type ObjectStorage,
  type PutOptions,
  type SignedUrlOptions,
} from './object-storage.js';

export interface S3Location {
  bucket: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Prepended to every key with a slash; empty for none. */
  prefix: string;
}

export type S3Credentials = S3ClientConfig['credentials'];

const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
// SigV4 presigned URLs cannot live longer than a week.
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const KNOWN_PARAMS = new Set(['endpoint', 'region', 'forcePathStyle', 'prefix']);

function urlError(message: string): Error {
  return new Error(`STORAGE_URL: ${message}`);
}

/** Parses `s3://BUCKET?endpoint=URL&region=R&forcePathStyle=true&prefix=P`. */
export function parseStorageUrl(storageUrl: string): S3Location {
  let url: URL;
  try {
    url = new URL(storageUrl);
  } catch {
    throw urlError(`not a URL (expected s3://BUCKET?endpoint=URL&region=R&forcePathStyle=true)`);
  }
  if (url.protocol !== 's3:') throw urlError(`unsupported scheme "${url.protocol}" (expected s3://BUCKET?…)`);
  if (url.username || url.password) {
    throw urlError('credentials do not belong in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  const bucket = decodeURIComponent(url.hostname);
  if (!/^[a-z0-9][a-z0-9.\-_]{1,254}$/i.test(bucket)) throw urlError(`"${bucket}" is not a bucket name`);
  if (url.port) throw urlError('a port belongs in the endpoint parameter, not after the bucket name');
  if (url.pathname !== '' && url.pathname !== '/') {
    throw urlError(`unexpected path "${url.pathname}" after the bucket; use ?prefix= for a key prefix`);
  }

  for (const name of url.searchParams.keys()) {
    if (!KNOWN_PARAMS.has(name)) throw urlError(`unknown parameter "${name}" (known: ${[...KNOWN_PARAMS].join(', ')})`);
  }
  const param = (name: string): string | undefined => {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw urlError(`parameter "${name}" is given more than once`);
    return values[0];
  };

  const endpoint = param('endpoint');
  if (endpoint !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(endpoint);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw urlError(`endpoint "${endpoint}" is not an http(s) URL`);
    }
  }

  const forcePathStyleParam = param('forcePathStyle') ?? 'false';
  if (!/^(true|false|1|0)$/i.test(forcePathStyleParam)) {
    throw urlError(`forcePathStyle must be true or false, got "${forcePathStyleParam}"`);
  }

  const prefix = (param('prefix') ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix) {
    try {
      assertValidKey(prefix);
    } catch (err) {
      throw urlError(`prefix "${prefix}" is not usable: ${(err as Error).message}`);
    }
  }

  const region = param('region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  return {
    bucket,
    endpoint,
    region,
    forcePathStyle: /^(true|1)$/i.test(forcePathStyleParam),
    prefix,
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3Storage implements ObjectStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(location: S3Location, credentials?: S3Credentials) {
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    this.client = new S3Client({
      region: location.region,
      endpoint: location.endpoint,
      forcePathStyle: location.forcePathStyle,
      // Default credential chain unless a caller (tests) passes them explicitly.
      ...(credentials ? { credentials } : {}),
      // The "when supported" defaults add checksums that many S3-compatible stores reject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: NodeJS.ReadableStream | Buffer, opts: PutOptions = {}): Promise<{ bytes: number }> {
    const objectKey = this.objectKey(key);
    const meter = meterBody(body, opts.maxBytes);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: meter, ContentType: opts.contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // Parts of a failed upload would otherwise sit in the bucket (and be billed) until a lifecycle rule runs.
      leavePartsOnError: false,
    });
    try {
      // A meter failure (too large, source error) surfaces as a body read error, which makes
      // lib-storage abort the multipart upload before rejecting, so no object ever appears.
      await upload.done();
    } catch (err) {
      meter.destroy();
      throw meter.errored ?? err;
    }
    return { bytes: meter.bytes };
  }

  async get(key: string): Promise<NodeJS.ReadableStream> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!(result.Body instanceof Readable)) throw new Error('S3 GetObject returned no readable body');
      return result.Body;
    } catch (err) {
      if (isNotFound(err)) throw new StorageNotFoundError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<{ bytes: number } | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { bytes: head.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key too, so this is idempotent without a check.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async signedUrl(key: string, opts: SignedUrlOptions): Promise<string> {
    assertValidExpiry(opts.expiresInSeconds, MAX_PRESIGN_SECONDS);
    assertHeaderSafe('downloadName', opts.downloadName);
    assertHeaderSafe('contentType', opts.contentType);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ResponseContentDisposition: opts.downloadName ? attachmentDisposition(opts.downloadName) : undefined,
      ResponseContentType: opts.contentType,
      ResponseCacheControl: 'private, no-store',
    });
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresInSeconds });
  }

  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }
}
