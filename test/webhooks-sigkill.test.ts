// A worker SIGKILLed while a webhook is in flight (docs/webhooks.md, "Delivery"): the change was committed,
// the attempt was sent but never answered. Another worker takes the lease over once it lapses and delivers
// the event: at least once, the receiver sees the same webhook-id every time, and accepts it exactly once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from './harness.ts';
import { eventually, type RosterProcess, sameRosterEnv, spawnRoster } from './support/roster-process.ts';

interface Seen {
  webhookId: string;
  body: string;
  answered: number | null;
}

let roster: TestRoster;
const processes: RosterProcess[] = [];
let receiver: Server;
let receiverUrl: string;
const seen: Seen[] = [];
/** The first request is held open (never answered); every later one is answered 204. */
let held: ServerResponse | undefined;

beforeAll(async () => {
  receiver = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Seen = { webhookId: String(request.headers['webhook-id']), body: Buffer.concat(chunks).toString('utf8'), answered: null };
      seen.push(entry);
      if (seen.length === 1) {
        held = response;
        return;
      }
      entry.answered = 204;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  roster = await startTestRoster({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
}, 120_000);

afterAll(async () => {
  for (const child of processes) if (child.alive()) child.child.kill('SIGKILL');
  held?.destroy();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await roster?.close();
});

async function start(command: 'serve' | 'worker'): Promise<RosterProcess> {
  const child = await spawnRoster(command, sameRosterEnv(roster, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', RATE_LIMIT_WRITES_PER_MINUTE: '0' }));
  processes.push(child);
  return child;
}

describe('a worker SIGKILLed mid-delivery', () => {
  it('leaves the event to the next worker: it arrives, always under the same webhook-id, accepted once', { timeout: 240_000 }, async () => {
    const tenant = await createTestTenant(roster.ctx);
    const [server, first] = await Promise.all([start('serve'), start('worker')]);
    const created = await fetch(`${server.url}/api/console/apps/${tenant.appId}/webhooks`, {
      method: 'POST',
      headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, events: ['user.created'] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const endpointId = ((await created.json()) as { id: string }).id;

    const user = await fetch(`${server.url}/v3/users/create/`, {
      method: 'POST',
      headers: { ...tenant.keyAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ vendor_data: 'killed-mid-delivery' }),
    });
    expect(user.status, await user.clone().text()).toBeLessThan(300);

    // Committed and in flight: the worker sent it and waits for an answer that never comes.
    await eventually('the first attempt to reach the receiver', async () => (seen.length >= 1 ? true : undefined), 60_000, 20);
    const delivery = () => roster.ctx.db.selectFrom('webhook_deliveries').select(['status', 'attempts', 'event_id']).where('endpoint_id', '=', endpointId).execute();
    expect(await delivery()).toMatchObject([{ status: 'sending', attempts: 1 }]);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    held?.destroy();

    await start('worker');
    const [done] = await eventually('the next worker to deliver the event', async () => {
      const rows = await delivery();
      return rows[0]?.status === 'delivered' ? rows : undefined;
    }, 150_000, 200);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    // At least once, and the receiver can tell a repeat by its webhook-id: the event's id, every time.
    expect(new Set(seen.map((request) => request.webhookId))).toEqual(new Set([done!.event_id]));
    expect(new Set(seen.map((request) => request.body)).size).toBe(1);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ type: 'user.created' });
    // Exactly once accepted: one 2xx answer, and the delivery ended there.
    expect(seen.filter((request) => request.answered === 204)).toHaveLength(1);
    expect(done!.attempts).toBe(seen.length);
    expect(server.alive()).toBe(true);
  });
});
