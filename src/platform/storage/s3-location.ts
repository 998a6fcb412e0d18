import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { assertValidKey } from './object-storage.js';

/** STORAGE_URL's parts, parsed without loading the AWS SDK (config and the CLI need only this). */

export interface S3Location {
  bucket: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Prepended to every key with a slash; empty for none. */
  prefix: string;
}

export type S3Credentials = S3ClientConfig['credentials'];

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
  if (endpoint !== undefined && !isHttpUrl(endpoint)) throw urlError(`endpoint "${endpoint}" is not an http(s) URL`);

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


/** Whether `text` is an absolute http: or https: URL (an S3 endpoint). */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
