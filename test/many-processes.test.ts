import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';
import { eventually, type RosterProcess, spawnRoster } from './support/roster-process.ts';

// Two real `roster serve` processes on one database behave as one.
let roster: TestRoster;
let tenant: TestTenant;
const servers: RosterProcess[] = [];
const readsPerMinute = 40;

beforeAll(async () => {
  roster = await startTestRoster({ RATE_LIMIT_READS_PER_MINUTE: String(readsPerMinute) });
  tenant = await createTestTenant(roster.ctx);
  const env = {
    DATABASE_URL: roster.databaseUrl,
    ROSTER_DB_SCHEMA: roster.schema,
    ROSTER_DATA_DIR: roster.dataDir,
    ROSTER_SECRET: roster.config.ROSTER_SECRET,
    RATE_LIMIT_READS_PER_MINUTE: String(readsPerMinute),
  };
  servers.push(...(await Promise.all([spawnRoster('serve', env), spawnRoster('serve', env)])));
}, 180_000);
afterAll(async () => {
  for (const server of servers) if (server.alive()) server.child.kill('SIGKILL');
  await roster?.close();
});

describe('several serve processes', () => {
  it('share one rate limit per API key: the limit holds across processes', { timeout: 120_000 }, async () => {
    // Start early in a clock minute, so every request counts against the same window.
    await eventually('the start of a minute', async () => (Date.now() % 60_000 < 30_000 ? true : undefined), 61_000, 200);
    const statuses: number[] = [];
    for (let i = 0; i < readsPerMinute * 2; i++) {
      const response = await fetch(`${servers[i % 2]!.url}/v3/users/nobody-${i}/`, { headers: tenant.keyAuth });
      statuses.push(response.status);
    }
    const allowed = statuses.filter((status) => status === 404).length;
    expect(statuses.filter((status) => status !== 404 && status !== 429)).toEqual([]);
    // Leased slices may leave a few requests unused; never more than the limit.
    expect(allowed).toBeLessThanOrEqual(readsPerMinute);
    expect(allowed).toBeGreaterThanOrEqual(readsPerMinute * 0.9);
  });

  it('stop a revoked API key at once in every process', { timeout: 60_000 }, async () => {
    const created = await fetch(`${servers[0]!.url}/api/console/apps/${tenant.appId}/api-keys`, {
      method: 'POST',
      headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'to revoke' }),
    });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; api_key: string };
    // Both processes have the key in their cache.
    for (const server of servers) expect((await fetch(`${server.url}/v3/users/someone/`, { headers: { 'x-api-key': key.api_key } })).status).toBe(404);

    const revoked = await fetch(`${servers[0]!.url}/api/console/apps/${tenant.appId}/api-keys/${key.id}`, { method: 'DELETE', headers: tenant.operators.ADMIN.auth });
    expect(revoked.status).toBe(204);
    for (const server of servers) {
      const response = await fetch(`${server.url}/v3/users/someone/`, { headers: { 'x-api-key': key.api_key } });
      expect(response.status).toBe(401);
    }
  });

  it('answer /readyz and /metrics in each process', async () => {
    for (const server of servers) {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/v3\/users\/:vendor_data\/",status="404"\}/);
      expect(metrics).toContain('roster_queue_depth');
    }
  });
});
