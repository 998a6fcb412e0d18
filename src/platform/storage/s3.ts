import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
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
import type { S3Credentials, S3Location } from './s3-location.js';

export { parseStorageUrl, type S3Credentials, type S3Location } from './s3-location.js';

const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
// SigV4 presigned URLs cannot live longer than a week.
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

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
