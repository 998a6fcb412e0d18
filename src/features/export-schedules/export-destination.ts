import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { invalid } from '../../http/errors.ts';
import { isHttpUrl } from '../../platform/storage/s3-location.ts';
import { assertPublicHost, ForbiddenAddressError, guardedLookup } from '../../platform/outbound/address-guard.ts';

/**
 * A scheduled export's destination: any S3-compatible bucket, named as
 * `s3://BUCKET/PREFIX?endpoint=URL&region=R&forcePathStyle=true`, written with the schedule's own
 * access key. Its endpoint must be a public address unless EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS
 * is set (docs/export-schedules.md, "Destinations"); the check runs when the schedule is saved and at every
 * connection.
 */
export interface DestinationLocation {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

export interface DestinationCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const KNOWN_PARAMS = new Set(['endpoint', 'region', 'forcePathStyle']);

/** Parses a destination URL; throws 422 `invalid_destination` naming what is wrong. */
export function parseDestinationUrl(text: string): DestinationLocation {
  const fail = (message: string) => invalid('invalid_destination', `destination.url: ${message}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail('not a URL (expected s3://BUCKET/PREFIX?endpoint=URL&region=R&forcePathStyle=true)');
  }
  if (url.protocol !== 's3:') throw fail(`unsupported scheme "${url.protocol}" (expected s3://)`);
  if (url.username || url.password) throw fail('credentials go in access_key_id and secret_access_key, not in the URL');
  const bucket = decodeURIComponent(url.hostname);
  if (!/^[a-z0-9][a-z0-9.\-_]{1,62}$/i.test(bucket)) throw fail(`"${bucket}" is not a bucket name`);
  for (const name of url.searchParams.keys()) if (!KNOWN_PARAMS.has(name)) throw fail(`unknown parameter "${name}" (known: ${[...KNOWN_PARAMS].join(', ')})`);
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !isHttpUrl(endpoint)) throw fail(`endpoint "${endpoint}" is not an http(s) URL`);
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((segment) => segment === '..' || segment === '.') || /[\u0000-\u001f\\]/.test(prefix)) throw fail(`prefix "${prefix}" is not usable`);
  const forcePathStyle = url.searchParams.get('forcePathStyle') ?? 'false';
  if (!/^(true|false)$/i.test(forcePathStyle)) throw fail(`forcePathStyle must be true or false, got "${forcePathStyle}"`);
  return { bucket, prefix, endpoint, region: url.searchParams.get('region') || 'us-east-1', forcePathStyle: forcePathStyle.toLowerCase() === 'true' };
}

/** The host a destination connects to: its endpoint's, or AWS's regional one. */
function destinationHost(location: DestinationLocation): string {
  if (location.endpoint) return new URL(location.endpoint).hostname;
  return location.forcePathStyle ? `s3.${location.region}.amazonaws.com` : `${location.bucket}.s3.${location.region}.amazonaws.com`;
}

/** Refuses, with 422 `forbidden_destination`, an endpoint on a loopback, private or link-local address. */
export async function checkDestinationAddress(location: DestinationLocation, allowPrivateNetworks: boolean): Promise<void> {
  if (allowPrivateNetworks) return;
  try {
    await assertPublicHost(destinationHost(location));
  } catch (error) {
    if (error instanceof ForbiddenAddressError) {
      throw invalid('forbidden_destination', `destination.url: ${error.message}; outward traffic reaches public addresses only (set EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS=true to allow private ones)`);
    }
    throw invalid('destination_unreachable', `destination.url: ${(error as Error).message}`);
  }
}

export interface Destination {
  /** Streams `body` to PREFIX/`key`. */
  put(key: string, body: NodeJS.ReadableStream | Buffer, contentType: string): Promise<void>;
  close(): void;
}

export function openDestination(location: DestinationLocation, credentials: DestinationCredentials, allowPrivateNetworks: boolean): Destination {
  // Every connection resolves its host through the guard: a DNS answer that changed since the schedule
  // was saved cannot point the upload at an internal address.
  const agentOptions = allowPrivateNetworks ? { keepAlive: true } : { keepAlive: true, lookup: guardedLookup as never };
  const client = new S3Client({
    region: location.region,
    endpoint: location.endpoint,
    forcePathStyle: location.forcePathStyle,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({ httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions), connectionTimeout: 10_000, requestTimeout: 120_000 }),
  });
  const objectKey = (key: string) => (location.prefix ? `${location.prefix}/${key}` : key);
  return {
    async put(key, body, contentType) {
      if (Buffer.isBuffer(body)) {
        await client.send(new PutObjectCommand({ Bucket: location.bucket, Key: objectKey(key), Body: body, ContentType: contentType }));
        return;
      }
      await new Upload({ client, params: { Bucket: location.bucket, Key: objectKey(key), Body: body as never, ContentType: contentType }, partSize: 8 * 1024 * 1024, queueSize: 2 }).done();
    },
    close: () => client.destroy(),
  };
}
