import { LocalStorage } from './local.js';
import type { ObjectStorage } from './object-storage.js';
import { parseStorageUrl, S3Storage, type S3Credentials } from './s3.js';

export {
  InvalidStorageKeyError,
  StorageNotFoundError,
  StorageTooLargeError,
  type ObjectStorage,
  type PutOptions,
  type SignedUrlOptions,
} from './object-storage.js';
export { localFilesRoutes, verifyLocalSignature, type SignatureCheck } from './local.js';
export { parseStorageUrl, type S3Credentials, type S3Location } from './s3.js';

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
  if (opts.storageUrl) return new S3Storage(parseStorageUrl(opts.storageUrl), opts.credentials);
  return new LocalStorage({ dataDir: opts.dataDir, publicUrl: opts.publicUrl, secret: opts.secret });
}
