// Webhooks (docs/webhooks.md): endpoints and their rules, signatures checked by the Standard Webhooks
// library, the outbox, order per user under failures, the retry schedule on a test clock, disabling.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { mailsTo } from '../../../test/outbox.ts';
import { requestExportAs, waitForExport } from '../../../test/support/exports.ts';
import { csvText, previewOf, startAndFinish, templateHeader } from '../../../test/support/imports.ts';
import { deliverDue, RETRY_DELAYS_SECONDS } from './webhook-delivery.ts';
import { dispatchFeed } from './webhook-dispatch.ts';
import { postJson } from './webhook-http.ts';
import { startWebhookDeliverer } from './webhook-deliverer.ts';

interface Received {
  target: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
let answer: (request: Received) => { status: number; headers?: Record<string, string> } = () => ({ status: 204 });

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { target: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const reply = answer(entry);
      response.writeHead(reply.status, reply.headers ?? {}).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  roster = await startTestRoster({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', RATE_LIMIT_WRITES_PER_MINUTE: '0' });
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
}, 120_000);

afterAll(async () => {
  await roster?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(() => {
  received = [];
  answer = () => ({ status: 204 });
});

const hooksUrl = (appId: string, suffix = '') => `/api/console/apps/${appId}/webhooks${suffix}`;

async function createEndpoint(body: Record<string, unknown>, auth = tenant.operators.ADMIN.auth, appId = tenant.appId) {
  return roster.app.inject({ method: 'POST', url: hooksUrl(appId), headers: auth, payload: body });
}

async function userApi(method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) {
  const response = await roster.app.inject({ method, url, headers: tenant.keyAuth, payload });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Runs the deliverer's rounds on `clock` until nothing is queued or due; jumps the clock to the next retry when idle. */
async function drain(clock: { now: Date }, options: { jump?: boolean; maxRounds?: number } = {}): Promise<void> {
  // The test clock never runs behind the real one: a delivery queued now is due now.
  const now = () => new Date(Math.max(clock.now.getTime(), Date.now()));
  for (let round = 0; round < (options.maxRounds ?? 500); round += 1) {
    const queued = await dispatchFeed(roster.ctx);
    const sent = await deliverDue(roster.ctx, { clock: now });
    if (queued > 0 || sent > 0) continue;
    const next = await roster.ctx.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select((eb) => eb.fn.min('d.next_attempt_at').as('at'))
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '>', now())
      .where('e.enabled', '=', true)
      .where('e.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!next?.at || !options.jump) return;
    clock.now = new Date(Math.max(now().getTime(), new Date(next.at).getTime()) + 1);
  }
  throw new Error('the deliverer did not settle');
}

describe('webhook endpoints', () => {
  it('are created with a whsec_ secret shown once, listed without it, and audited', async () => {
    const response = await createEndpoint({ url: receiverUrl, events: ['user.created'], description: 'CRM' });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await roster.app.inject({ method: 'GET', url: hooksUrl(tenant.appId), headers: tenant.operators.OWNER.auth });
    expect(list.body).not.toContain(created.secret);
    expect(list.json().results.map((endpoint: { id: string }) => endpoint.id)).toContain(created.id);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select('action').where('target_id', '=', created.id).execute();
    expect(audit.map((entry) => entry.action)).toEqual(['webhook.created']);
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${created.id}`), headers: tenant.operators.ADMIN.auth });
  });

  it('refuse bad input, other roles and other tenants', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ url: receiverUrl, events: ['user.exploded'] }, 422, 'validation_failed'],
      [{ url: 'not a url', events: ['user.created'] }, 422, 'invalid_url'],
      [{ url: 'ftp://example.com/hook', events: ['user.created'] }, 422, 'invalid_url'],
      [{ url: receiverUrl, events: [] }, 422, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await createEndpoint(body);
      expect(response.statusCode, `${JSON.stringify(body)} ${response.body}`).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    for (const role of ['COMPLIANCE_OFFICER', 'DEVELOPER', 'READER'] as const) {
      expect((await createEndpoint({ url: receiverUrl, events: ['user.created'] }, tenant.operators[role].auth)).statusCode).toBe(403);
    }
    const mine = (await createEndpoint({ url: receiverUrl, events: ['user.created'] })).json();
    for (const [method, suffix] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/test'], ['POST', '/rotate-secret'], ['GET', '/deliveries']] as const) {
      const response = await roster.app.inject({ method, url: hooksUrl(outsider.appId, `/${mine.id}${suffix}`), headers: outsider.operators.OWNER.auth, ...(method === 'PATCH' ? { payload: { description: 'x' } } : {}) });
      expect(response.statusCode, `${method} ${suffix}`).toBe(404);
    }
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${mine.id}`), headers: tenant.operators.ADMIN.auth });
  });

  it('refuse loopback, private and link-local receivers, and plain http, unless private networks are allowed', async () => {
    const strict = await startTestRoster();
    try {
      const strictTenant = await createTestTenant(strict.ctx);
      const post = (url: string) => strict.app.inject({ method: 'POST', url: hooksUrl(strictTenant.appId), headers: strictTenant.operators.OWNER.auth, payload: { url, events: ['user.created'] } });
      for (const url of ['https://127.0.0.1/h', 'https://10.0.0.1/h', 'https://169.254.169.254/latest', 'https://[::1]/h', 'https://localhost:8443/h']) {
        const response = await post(url);
        expect(response.statusCode, url).toBe(422);
        expect(response.json().error.code, url).toBe('forbidden_url');
      }
      const plain = await post('http://example.com/h');
      expect(plain.json().error.code).toBe('invalid_url');
    } finally {
      await strict.close();
    }
  });
});

describe('delivery', () => {
  it('follows no redirect, and checks the address again at each new connection', async () => {
    const created = (await createEndpoint({ url: receiverUrl, events: ['user.created'] })).json();
    answer = (request) => (request.target.endsWith('?moved') ? { status: 204 } : { status: 302, headers: { location: `${receiverUrl}?moved` } });
    await userApi('POST', '/v3/users/create/', { vendor_data: 'redirected-1' });
    await drain({ now: new Date() });
    expect(received.map((entry) => entry.target)).toEqual(['/hooks']);
    const delivery = await roster.ctx.db.selectFrom('webhook_deliveries').select(['status', 'last_status']).where('endpoint_id', '=', created.id).executeTakeFirstOrThrow();
    expect(delivery).toEqual({ status: 'pending', last_status: 302 });
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${created.id}`), headers: tenant.operators.ADMIN.auth });

    // A name that resolves to a loopback address now (the URL passed when it was saved, say) is refused at connection time, pooled connections or not.
    const local = receiverUrl.replace('127.0.0.1', 'localhost');
    for (let attempt = 0; attempt < 2; attempt++) {
      const outcome = await postJson(local, '{}', {}, { allowPrivateNetworks: false });
      expect(outcome).toMatchObject({ status: null, error: expect.stringContaining('a loopback, private or link-local address') });
    }
    expect(received.map((entry) => entry.target)).toEqual(['/hooks']);
  });

  it('signs every event so the Standard Webhooks library verifies it, with both secrets during a rotation', async () => {
    const created = (await createEndpoint({ url: receiverUrl, events: ['user.created', 'user.updated'], payload: 'full' })).json();
    await userApi('POST', '/v3/users/create/', { vendor_data: 'signed-1', email: 'signed@example.com' });
    await drain({ now: new Date() });
    expect(received).toHaveLength(1);
    const event = new Webhook(created.secret).verify(received[0]!.body, received[0]!.headers as Record<string, string>) as { type: string; seq: number; data: { user: { vendor_data: string } } };
    expect(event.type).toBe('user.created');
    expect(event.data.user.vendor_data).toBe('signed-1');
    // The webhook and the feed carry the same event.
    const feed = await roster.app.inject({ method: 'GET', url: '/v3/user-changes/?after=0&limit=1000', headers: tenant.keyAuth });
    const change = feed.json().results.find((entry: { seq: number }) => entry.seq === event.seq);
    expect(received[0]!.headers['webhook-id']).toBe(change.event_id);

    const rotated = (await roster.app.inject({ method: 'POST', url: hooksUrl(tenant.appId, `/${created.id}/rotate-secret`), headers: tenant.operators.OWNER.auth })).json();
    expect(rotated.secret).not.toBe(created.secret);
    received = [];
    await userApi('PATCH', '/v3/users/signed-1/', { display_name: 'Signed' });
    await drain({ now: new Date() });
    expect(received).toHaveLength(1);
    expect(String(received[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [created.secret, rotated.secret]) new Webhook(secret).verify(received[0]!.body, received[0]!.headers as Record<string, string>);
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${created.id}`), headers: tenant.operators.ADMIN.auth });
  });

  it('sends nothing for a change that did not happen, and a thin payload with the status move and its reason', async () => {
    const created = (await createEndpoint({ url: receiverUrl, events: ['user.created', 'user.status_changed'] })).json();
    await userApi('POST', '/v3/users/create/', { vendor_data: 'thin-1' });
    const refused = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: { vendor_data: 'thin-1' } });
    expect(refused.statusCode).toBe(409);
    await userApi('PATCH', '/v3/users/thin-1/update-status/', { status: 'BLOCKED', reason: 'Chargeback on order 1234' });
    await drain({ now: new Date() });
    const events = received.map((entry) => JSON.parse(entry.body) as { type: string; data: Record<string, unknown> });
    expect(events.map((event) => event.type)).toEqual(['user.created', 'user.status_changed']);
    expect(events[1]!.data).toMatchObject({ vendor_data: 'thin-1', changed_fields: ['status'], status: { from: 'ACTIVE', to: 'BLOCKED' }, reason: 'Chargeback on order 1234' });
    expect(events[1]!.data).not.toHaveProperty('user');
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${created.id}`), headers: tenant.operators.ADMIN.auth });
  });

  it("keeps each user's events in seq order while the receiver fails at random, and loses none", async () => {
    const created = (await createEndpoint({ url: receiverUrl, events: ['user.created', 'user.updated'] })).json();
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    answer = () => ({ status: random() < 0.3 ? 500 : 200 });
    const users = 50;
    const changes = 20;
    for (let user = 0; user < users; user += 1) await userApi('POST', '/v3/users/create/', { vendor_data: `order-${user}` });
    for (let round = 1; round < changes; round += 1) {
      await Promise.all(Array.from({ length: users }, (_, user) => userApi('PATCH', `/v3/users/order-${user}/`, { display_name: `v${round}` })));
    }
    await drain({ now: new Date() }, { jump: true, maxRounds: 5_000 });
    // What the receiver accepted, per user: every change once, in seq order.
    const accepted = await roster.ctx.db.selectFrom('webhook_deliveries').select(['user_id', 'seq', 'delivered_at', 'status']).where('endpoint_id', '=', created.id).execute();
    expect(accepted).toHaveLength(users * changes);
    expect(accepted.every((row) => row.status === 'delivered')).toBe(true);
    const byUser = new Map<string, { seq: number; at: number }[]>();
    for (const row of accepted) byUser.set(row.user_id!, [...(byUser.get(row.user_id!) ?? []), { seq: Number(row.seq), at: row.delivered_at!.getTime() }]);
    for (const rows of byUser.values()) {
      const bySeq = [...rows].sort((a, b) => a.seq - b.seq);
      for (let index = 1; index < bySeq.length; index += 1) expect(bySeq[index]!.at).toBeGreaterThanOrEqual(bySeq[index - 1]!.at);
    }
    // And the receiver saw each user's accepted events in seq order.
    const lastSeen = new Map<string, number>();
    for (const entry of received) {
      const event = JSON.parse(entry.body) as { seq: number; data: { vendor_data: string } };
      const previous = lastSeen.get(event.data.vendor_data) ?? 0;
      expect(event.seq, `order for ${event.data.vendor_data}`).toBeGreaterThanOrEqual(previous);
      lastSeen.set(event.data.vendor_data, event.seq);
    }
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${created.id}`), headers: tenant.operators.ADMIN.auth });
  }, 240_000);
});


describe('retries', () => {
  it('follow the schedule, honour Retry-After, and give up after about three days', async () => {
    const created = (await createEndpoint({ url: receiverUrl, events: ['user.created'] })).json();
    answer = () => ({ status: 503 });
    const clock = { now: new Date('2027-01-01T00:00:00Z') };
    await userApi('POST', '/v3/users/create/', { vendor_data: 'retry-1' });
    await drain(clock, { jump: true });
    const attempts = await roster.ctx.db
      .selectFrom('webhook_attempts as a')
      .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
      .select(['a.attempted_at', 'd.status'])
      .where('d.endpoint_id', '=', created.id)
      .orderBy('a.attempted_at')
      .execute();
    expect(attempts).toHaveLength(RETRY_DELAYS_SECONDS.length + 1);
    const gaps = attempts.slice(1).map((attempt, index) => Math.round((attempt.attempted_at.getTime() - attempts[index]!.attempted_at.getTime()) / 1000));
    gaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[index]!));
    expect(attempts[0]!.status).toBe('failed');
    // Retry-After is honoured.
    answer = () => ({ status: 429, headers: { 'retry-after': '120' } });
    const start = new Date('2027-02-01T00:00:00Z');
    await userApi('POST', '/v3/users/create/', { vendor_data: 'retry-2' });
    await drain({ now: start });
    const pending = await roster.ctx.db.selectFrom('webhook_deliveries').select('next_attempt_at').where('endpoint_id', '=', created.id).where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(Math.round((pending.next_attempt_at.getTime() - start.getTime()) / 1000)).toBeGreaterThanOrEqual(120);
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${created.id}`), headers: tenant.operators.ADMIN.auth });
  });

  it('disable an endpoint at a 410, and after 5 days of failures, mailing the owners; re-enabled, it resumes', async () => {
    const gone = (await createEndpoint({ url: receiverUrl, events: ['user.created'] })).json();
    answer = () => ({ status: 410 });
    await userApi('POST', '/v3/users/create/', { vendor_data: 'gone-1' });
    await drain({ now: new Date() });
    const afterGone = (await roster.app.inject({ method: 'GET', url: hooksUrl(tenant.appId, `/${gone.id}`), headers: tenant.operators.OWNER.auth })).json();
    expect(afterGone).toMatchObject({ enabled: false, disabled_reason: 'the receiver answered 410 Gone' });
    await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${gone.id}`), headers: tenant.operators.ADMIN.auth });

    const failing = (await createEndpoint({ url: receiverUrl, events: ['user.created'] })).json();
    answer = () => ({ status: 500 });
    const clock = { now: new Date('2027-03-01T00:00:00Z') };
    for (let day = 0; day < 6; day += 1) {
      await userApi('POST', '/v3/users/create/', { vendor_data: `failing-${day}` });
      await drain(clock);
      clock.now = new Date(clock.now.getTime() + 24 * 3600 * 1000);
      await drain(clock);
    }
    const disabled = (await roster.app.inject({ method: 'GET', url: hooksUrl(tenant.appId, `/${failing.id}`), headers: tenant.operators.OWNER.auth })).json();
    expect(disabled).toMatchObject({ enabled: false, disabled_reason: 'every attempt failed for 5 days' });
    expect(await mailsTo(roster.dataDir, tenant.operators.OWNER.email)).not.toHaveLength(0);
    const audit = await roster.ctx.db.selectFrom('audit_logs').select('action').where('target_id', '=', failing.id).where('action', '=', 'webhook.disabled').execute();
    expect(audit).toHaveLength(1);

    // Re-enabled: what waited is sent, from where it stopped.
    answer = () => ({ status: 200 });
    received = [];
    await userApi('POST', '/v3/users/create/', { vendor_data: 'while-disabled' });
    await roster.app.inject({ method: 'PATCH', url: hooksUrl(tenant.appId, `/${failing.id}`), headers: tenant.operators.OWNER.auth, payload: { enabled: true } });
    const recovered = await roster.app.inject({ method: 'POST', url: hooksUrl(tenant.appId, `/${failing.id}/recover`), headers: tenant.operators.OWNER.auth, payload: { since: '2020-01-01T00:00:00Z' } });
    expect(recovered.statusCode).toBe(202);
    await drain({ now: new Date('2027-04-01T00:00:00Z') }, { jump: true });
    const vendors = received.map((entry) => (JSON.parse(entry.body) as { data: { vendor_data: string } }).data.vendor_data);
    expect(vendors).toContain('while-disabled');
    const log = await roster.app.inject({ method: 'GET', url: hooksUrl(tenant.appId, `/${failing.id}/deliveries?status=delivered`), headers: tenant.operators.OWNER.auth });
    expect(log.json().results.length).toBeGreaterThan(0);
    expect(log.json().results[0].attempts.at(-1)).toMatchObject({ status_code: 200, response_excerpt: 'ok' });
  });
});

describe('import and export events', () => {
  it('send an import as one event with its seq range (summary), or each user too (per_user), and an export end', async () => {
    await roster.startWorker();
    const summary = (await createEndpoint({ url: `${receiverUrl}?summary`, events: ['user.created', 'import.completed', 'export.completed'] })).json();
    const perUser = (await createEndpoint({ url: `${receiverUrl}?per_user`, events: ['user.created', 'import.completed'], import_events: 'per_user' })).json();
    const rows = [templateHeader, ...[1, 2, 3].map((n) => [`imp-${n}`, `Imported ${n}`, '', '', '', '', 'ACTIVE', '', ''])];
    const preview = await previewOf(roster, tenant, csvText(rows));
    await startAndFinish(roster, tenant, preview.id);
    const exported = await requestExportAs(roster, tenant.operators.ADMIN.auth, tenant.appId, {});
    await waitForExport(roster, tenant.operators.ADMIN.auth, tenant.appId, exported.json.id);
    await drain({ now: new Date() });
    const bodies = received.map((entry) => ({ target: entry.target, event: JSON.parse(entry.body) as { type: string; data: Record<string, unknown> } }));
    const toSummary = bodies.filter((entry) => entry.target.endsWith('?summary')).map((entry) => entry.event);
    const toPerUser = bodies.filter((entry) => entry.target.endsWith('?per_user')).map((entry) => entry.event);
    expect(toSummary.map((event) => event.type).sort()).toEqual(['export.completed', 'import.completed']);
    const completed = toSummary.find((event) => event.type === 'import.completed')!;
    expect(completed.data).toMatchObject({ import_id: preview.id });
    expect(Number(completed.data.seq_to) - Number(completed.data.seq_from)).toBe(2);
    expect(toPerUser.filter((event) => event.type === 'user.created')).toHaveLength(3);
    expect(toPerUser.filter((event) => event.type === 'import.completed')).toHaveLength(1);
    for (const endpoint of [summary, perUser]) await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${endpoint.id}`), headers: tenant.operators.ADMIN.auth });
  }, 120_000);
});

describe('the delivery loop of a worker', () => {
  it('keeps delivering to one endpoint while another never answers', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hanging = (await createEndpoint({ url: `http://127.0.0.1:${(silent.address() as { port: number }).port}/never`, events: ['user.created'] })).json();
    const healthy = (await createEndpoint({ url: `${receiverUrl}?healthy`, events: ['user.created'] })).json();
    const deliverer = startWebhookDeliverer(roster.ctx, { idleMs: 50 });
    try {
      const healthyCount = () => received.filter((entry) => entry.target.endsWith('?healthy')).length;
      const waitFor = async (count: number, withinMs: number) => {
        const deadline = Date.now() + withinMs;
        while (healthyCount() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        return healthyCount();
      };
      await userApi('POST', '/v3/users/create/', { vendor_data: 'loop-first' });
      expect(await waitFor(1, 10_000)).toBe(1);
      // The silent receiver now holds an attempt for up to 15 s; what follows must not wait for it.
      for (let user = 0; user < 12; user += 1) await userApi('POST', '/v3/users/create/', { vendor_data: `loop-${user}` });
      expect(await waitFor(13, 8_000)).toBe(13);
      const stuck = await roster.ctx.db.selectFrom('webhook_deliveries').select('status').where('endpoint_id', '=', hanging.id).where('status', '=', 'sending').execute();
      expect(stuck.length).toBeGreaterThan(0);
    } finally {
      await deliverer.stop();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
      for (const endpoint of [hanging, healthy]) await roster.app.inject({ method: 'DELETE', url: hooksUrl(tenant.appId, `/${endpoint.id}`), headers: tenant.operators.ADMIN.auth });
    }
  }, 60_000);
});
