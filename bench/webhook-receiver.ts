/**
 * The webhook benchmark's receiver (bench/webhooks.bench.ts), in a process of its own so that the
 * benchmark's API client does not delay it: answers every POST 204 and notes when it arrived, per path.
 * Each request's signature is checked with the `standardwebhooks` library once the path's secret is
 * known (`PUT /secret?path=P`, the secret as the body), and each user's events must come in seq order.
 * `GET /count?path=P` answers how many distinct webhook-ids P received, with the requests, the bad
 * signatures and the events that came after a later one of their user; `GET /receipts?path=P` the receipts.
 * Prints its port on the first line.
 */
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

interface Receipt {
  webhookId: string;
  receivedAt: number;
  occurredAt: number;
}

const receipts = new Map<string, Receipt[]>();
const distinct = new Map<string, Set<string>>();
const verifiers = new Map<string, Webhook>();
const badSignatures = new Map<string, number>();
const outOfOrder = new Map<string, number>();
const lastSeqOfUser = new Map<string, number>();
const bump = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://receiver');
  const path = url.searchParams.get('path') ?? '';
  if (request.method === 'GET') {
    const answer =
      url.pathname === '/count'
        ? { count: distinct.get(path)?.size ?? 0, requests: receipts.get(path)?.length ?? 0, badSignatures: badSignatures.get(path) ?? 0, outOfOrder: outOfOrder.get(path) ?? 0 }
        : (receipts.get(path) ?? []);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const receivedAt = Date.now();
    const text = Buffer.concat(chunks).toString('utf8');
    if (request.method === 'PUT') {
      verifiers.set(path, new Webhook(text));
      response.writeHead(204).end();
      return;
    }
    const body = JSON.parse(text) as { occurred_at: string; seq?: number; data: { didit_internal_id?: string } };
    const webhookId = String(request.headers['webhook-id']);
    try {
      verifiers.get(url.pathname)?.verify(text, request.headers as Record<string, string>);
    } catch {
      bump(badSignatures, url.pathname);
    }
    if (!verifiers.has(url.pathname)) bump(badSignatures, url.pathname);
    const user = body.data.didit_internal_id;
    if (user !== undefined && body.seq !== undefined) {
      const key = `${url.pathname} ${user}`;
      if ((lastSeqOfUser.get(key) ?? 0) > body.seq) bump(outOfOrder, url.pathname);
      else lastSeqOfUser.set(key, body.seq);
    }
    const list = receipts.get(url.pathname) ?? [];
    list.push({ webhookId, receivedAt, occurredAt: Date.parse(body.occurred_at) });
    receipts.set(url.pathname, list);
    const ids = distinct.get(url.pathname) ?? new Set<string>();
    ids.add(webhookId);
    distinct.set(url.pathname, ids);
    response.writeHead(204).end();
  });
});

server.listen(0, '127.0.0.1', () => console.log(String((server.address() as { port: number }).port)));
