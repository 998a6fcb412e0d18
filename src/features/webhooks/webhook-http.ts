import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ForbiddenAddressError, guardedLookup } from '../../platform/outbound/address-guard.ts';

/**
 * One POST to a receiver, on a leash (docs/webhooks.md, "Safety"): 15 s for the whole exchange, no
 * redirect followed (a 3xx is a failed attempt), at most 64 KB of the answer read (1 KB kept), and every
 * connection's DNS answer checked against loopback, private and link-local addresses unless private
 * networks are allowed. Never throws: the outcome says what happened.
 */
export const DELIVERY_TIMEOUT_MS = 15_000;
const READ_AT_MOST = 64 * 1024;
export const EXCERPT_BYTES = 1024;

export interface PostOutcome {
  status: number | null;
  durationMs: number;
  excerpt: string | null;
  retryAfterSeconds: number | null;
  error: string | null;
}

export function postJson(url: string, body: string, headers: Record<string, string>, options: { allowPrivateNetworks: boolean; timeoutMs?: number }): Promise<PostOutcome> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<PostOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: Math.round(performance.now() - started) });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return finish({ status: null, excerpt: null, retryAfterSeconds: null, error: 'the URL is not valid' });
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Roster-Webhooks/1', ...headers },
      ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup as never }),
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    request.on('error', (error) => {
      const message = error instanceof ForbiddenAddressError ? error.message : (error as Error).message;
      finish({ status: null, excerpt: null, retryAfterSeconds: null, error: message });
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read <= READ_AT_MOST) chunks.push(chunk);
        else response.destroy();
      });
      const done = () =>
        finish({
          status: response.statusCode ?? null,
          excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8').replace(/\u0000/g, '').replace(/[\uD800-\uDFFF]/g, '\uFFFD'),
          retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
          error: null,
        });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.end(body);
  });
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d{1,10}$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - now) / 1000));
}
