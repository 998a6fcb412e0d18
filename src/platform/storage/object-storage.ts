import { Readable, Transform, type TransformCallback } from 'node:stream';

export interface PutOptions {
  contentType?: string;
  /** The write is abandoned with StorageTooLargeError, leaving no object, once the body passes this. */
  maxBytes?: number;
}

export interface SignedUrlOptions {
  expiresInSeconds: number;
  downloadName?: string;
  contentType?: string;
}

export interface ObjectStorage {
  readonly kind: 'local' | 's3';
  /**
   * Streams the body to the store; an object appears only once complete. A stream body stays the
   * caller's: on failure it is unpiped, not destroyed, so an HTTP handler can still answer 413.
   */
  put(key: string, body: NodeJS.ReadableStream | Buffer, opts?: PutOptions): Promise<{ bytes: number }>;
  /** Throws StorageNotFoundError. */
  get(key: string): Promise<NodeJS.ReadableStream>;
  stat(key: string): Promise<{ bytes: number } | null>;
  /** Idempotent. */
  delete(key: string): Promise<void>;
  signedUrl(key: string, opts: SignedUrlOptions): Promise<string>;
  /**
   * Deletes what killed writers left behind, last written before `olderThan`; returns how many. Only
   * the local store has any (an S3 multipart upload never completed is the bucket's lifecycle rule's).
   */
  sweepTemporaryFiles?(olderThan: Date): Promise<number>;
}

export class StorageNotFoundError extends Error {
  readonly code = 'not_found';
  constructor(readonly key: string) {
    super(`No stored object at ${JSON.stringify(key)}`);
    this.name = 'StorageNotFoundError';
  }
}

export class StorageTooLargeError extends Error {
  readonly code = 'too_large';
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes`);
    this.name = 'StorageTooLargeError';
  }
}

export class InvalidStorageKeyError extends Error {
  readonly code = 'invalid_key';
  constructor(readonly key: string, reason: string) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

const MAX_KEY_LENGTH = 1024;
// Backslash and colon would let a key name another path or drive on Windows; control
// characters would break headers and the signed-link payload.
const FORBIDDEN_KEY_CHARS = /[\u0000-\u001f\u007f\\:]/;

/**
 * Keys are relative slash-separated paths. A segment may not start with a dot: that rules out
 * `.`/`..` traversal and keeps keys from ever colliding with the local store's temp files.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidStorageKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidStorageKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes('..')) throw new InvalidStorageKeyError(key, 'contains ".."');
  if (FORBIDDEN_KEY_CHARS.test(key)) throw new InvalidStorageKeyError(key, 'contains a backslash, colon or control character');
  if (key.startsWith('/')) throw new InvalidStorageKeyError(key, 'absolute path');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidStorageKeyError(key, 'empty path segment');
    if (segment.startsWith('.')) throw new InvalidStorageKeyError(key, 'a path segment starts with "."');
  }
}

export function assertValidExpiry(expiresInSeconds: number, maxSeconds = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0 || expiresInSeconds > maxSeconds) {
    throw new RangeError(`expiresInSeconds must be a whole number of seconds between 1 and ${maxSeconds}, got ${expiresInSeconds}`);
  }
}

const HEADER_UNSAFE = /[\u0000-\u001f\u007f]/;

export function assertHeaderSafe(name: string, value: string | undefined): void {
  if (value !== undefined && HEADER_UNSAFE.test(value)) {
    throw new TypeError(`${name} must not contain control characters`);
  }
}

/** RFC 6266 attachment header: an ASCII fallback for old clients plus the exact UTF-8 name. */
export function attachmentDisposition(downloadName: string): string {
  const fallback = downloadName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(downloadName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Passes bytes through, counting them, and fails once more than maxBytes went by. */
export class ByteMeter extends Transform {
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new StorageTooLargeError(this.maxBytes));
      return;
    }
    callback(null, chunk);
  }
}

/**
 * Wraps a put() body in a ByteMeter. The source is piped rather than handed to pipeline() so a
 * failure unpipes it without destroying it (see ObjectStorage.put).
 */
export function meterBody(body: NodeJS.ReadableStream | Buffer, maxBytes: number | undefined): ByteMeter {
  const limit = maxBytes ?? Number.POSITIVE_INFINITY;
  if (Buffer.isBuffer(body) && body.length > limit) throw new StorageTooLargeError(limit);
  const source: NodeJS.ReadableStream = Buffer.isBuffer(body) ? Readable.from([body]) : body;
  const meter = new ByteMeter(limit);
  // pipe() does not forward source errors; without this a failing source would hang the put.
  const onSourceError = (err: Error) => meter.destroy(err);
  source.on('error', onSourceError);
  meter.once('close', () => {
    source.removeListener('error', onSourceError);
    source.unpipe(meter);
  });
  // The consumer (pipeline, lib-storage) may attach only after an await and still sees the
  // stored error then; until it does, this keeps an early error from crashing the process.
  meter.on('error', () => undefined);
  source.pipe(meter);
  return meter;
}
