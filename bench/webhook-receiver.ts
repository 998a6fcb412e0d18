/**
 * The webhook benchmark's receiver (bench/webhooks.bench.ts), in a process of its own so that the
 * benchmark's API client does not delay it: answers every POST 204 and notes when it arrived, per path.
 * `GET /count?path=P` answers how many distinct webhook-ids P received; `GET /receipts?path=P` the receipts.
 * Prints its port on the first line.
 */
import { createServer } from 'node:http';

interface Receipt {
  webhookId: string;
  receivedAt: number;
  occurredAt: number;
}

const receipts = new Map<string, Receipt[]>();
const distinct = new Map<string, Set<string>>();

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://receiver');
  if (request.method === 'GET') {
    const path = url.searchParams.get('path') ?? '';
    const answer = url.pathname === '/count' ? { count: distinct.get(path)?.size ?? 0, requests: receipts.get(path)?.length ?? 0 } : (receipts.get(path) ?? []);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const receivedAt = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { occurred_at: string };
    const webhookId = String(request.headers['webhook-id']);
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
