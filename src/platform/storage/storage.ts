import { LocalStorage } from './local.js';
import type { ObjectStorage, PutOptions, SignedUrlOptions } from './object-storage.js';
import { parseStorageUrl, type S3Credentials, type S3Location } from './s3-location.js';
import type { S3Storage } from './s3.js';

export {
  InvalidStorageKeyError,
  StorageNotFoundError,
  StorageTooLargeError,
  type ObjectStorage,
  type PutOptions,
  type SignedUrlOptions,
} from './object-storage.js';
export { localFilesRoutes, verifyLocalSignature, type SignatureCheck } from './local.js';
export { parseStorageUrl, type S3Credentials, type S3Location } from './s3-location.js';

export interface CreateStorageOptions {
  /** STORAGE_URL; unset means files on local disk under dataDir. */
  storageUrl?: string;
  dataDir: string;
  publicUrl: string;
  secret: string;
  /** S3 only: overrides the SDK's default credential chain (tests use this). */
  credentials?: S3Credentials;
}

/** Throws an Error starting `STORAGE_URL: ` for a malformed URL, so start-up can print it as one line. */
export function createStorage(opts: CreateStorageOptions): ObjectStorage {
  if (opts.storageUrl) return new LazyS3Storage(parseStorageUrl(opts.storageUrl), opts.credentials);
  return new LocalStorage({ dataDir: opts.dataDir, publicUrl: opts.publicUrl, secret: opts.secret });
}

/**
 * The S3 store, with the AWS SDK loaded on first use: it is the largest module Roster has (about
 * 10 MB and most of a CLI command's start-up), and the local-disk default never needs it.
 */
class LazyS3Storage implements ObjectStorage {
  readonly kind = 's3' as const;
  private loaded: Promise<S3Storage> | undefined;

  constructor(private readonly location: S3Location, private readonly credentials?: S3Credentials) {}

  private store(): Promise<S3Storage> {
    this.loaded ??= import('./s3.js').then(({ S3Storage }) => new S3Storage(this.location, this.credentials));
    return this.loaded;
  }

  async put(key: string, body: NodeJS.ReadableStream | Buffer, opts?: PutOptions): Promise<{ bytes: number }> {
    return (await this.store()).put(key, body, opts);
  }

  async get(key: string): Promise<NodeJS.ReadableStream> {
    return (await this.store()).get(key);
  }

  async stat(key: string): Promise<{ bytes: number } | null> {
    return (await this.store()).stat(key);
  }

  async delete(key: string): Promise<void> {
    return (await this.store()).delete(key);
  }

  async signedUrl(key: string, opts: SignedUrlOptions): Promise<string> {
    return (await this.store()).signedUrl(key, opts);
  }

  destroy(): void {
    void this.loaded?.then((store) => store.destroy());
  }
}
