import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { guardedLookup } from '../../platform/outbound/address-guard.ts';

/**
 * One POST to a receiver, on a leash (docs/webhooks.md, "Safety"): 15 s for the whole exchange, no
 * redirect followed (a 3xx is a failed attempt), at most 64 KB of the answer read (1 KB kept), and every
 * connection's DNS answer checked against loopback, private and link-local addresses unless private
 * networks are allowed. Never throws: the outcome says what happened.
 */
export const DELIVERY_TIMEOUT_MS = 15_000;
// Connections are kept open between deliveries to a receiver (a new one per delivery cost a handshake
// each: bench/RESULTS.md, webhooks), freed after FREE_SOCKET_MS idle, below Node's and most servers'
// 5 s keep-alive. Each new connection's address is still checked by the guarded lookup below; a
// connection is only ever opened to an address that passed it.
const FREE_SOCKET_MS = 4_000;
const agentOptions = { keepAlive: true, timeout: FREE_SOCKET_MS, scheduling: 'lifo' as const };
// One pool per scheme and per guard: a connection opened without the address check is never lent to a guarded delivery.
const agents = {
  guarded: { 'http:': new HttpAgent(agentOptions), 'https:': new HttpsAgent(agentOptions) },
  open: { 'http:': new HttpAgent(agentOptions), 'https:': new HttpsAgent(agentOptions) },
};
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
    let timer: NodeJS.Timeout | undefined;
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
    // A kept-open connection the receiver closed just as it was reused fails before anything was
    // answered: that one is sent again at once on a new connection, not counted as a failed attempt.
    const open = (reuse: boolean): ClientRequest => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const sent = send(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Roster-Webhooks/1', ...headers },
        ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup as never }),
        agent: reuse ? agents[options.allowPrivateNetworks ? 'open' : 'guarded'][target.protocol as 'http:' | 'https:'] : false,
      });
      sent.on('error', (error: NodeJS.ErrnoException) => {
        if (reuse && sent.reusedSocket && error.code === 'ECONNRESET' && !settled) {
          request = open(false);
          return;
        }
        finish({ status: null, excerpt: null, retryAfterSeconds: null, error: error.message });
      });
      sent.on('response', (response) => onResponse(response));
      sent.end(body);
      return sent;
    };
    const onResponse = (response: IncomingMessage) => {
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
    };
    let request = open(true);
    timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d{1,10}$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - now) / 1000));
}
