import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../test/harness.ts';
import { MemoryBudgetStore, PostgresBudgetStore, RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows the limit per clock minute, then refuses until the minute ends', async () => {
    let now = 1_000_000; // inside the window 960,000–1,020,000 ms: 20 s left
    const limiter = new RateLimiter({ readsPerMinute: 2, writesPerMinute: 1 }, new MemoryBudgetStore(), () => now);
    expect(await limiter.take('key', 'read')).toEqual({ allowed: true, limit: 2, remaining: 1, resetSeconds: 20 });
    now += 5_500;
    expect(await limiter.take('key', 'read')).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 15 });
    expect(await limiter.take('key', 'read')).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 15 });
    now += 14_500;
    expect(await limiter.take('key', 'read')).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 60 });
  });

  it('counts reads and writes apart, and each key apart', async () => {
    const limiter = new RateLimiter({ readsPerMinute: 1, writesPerMinute: 1 }, new MemoryBudgetStore(), () => 0);
    expect((await limiter.take('a', 'read'))?.allowed).toBe(true);
    expect((await limiter.take('a', 'write'))?.allowed).toBe(true);
    expect((await limiter.take('b', 'read'))?.allowed).toBe(true);
    expect((await limiter.take('a', 'read'))?.allowed).toBe(false);
  });

  it('is off for a kind whose limit is 0', async () => {
    const limiter = new RateLimiter({ readsPerMinute: 0, writesPerMinute: 5 }, new MemoryBudgetStore(), () => 0);
    for (let i = 0; i < 1000; i++) expect(await limiter.take('a', 'read')).toBeNull();
    expect((await limiter.take('a', 'write'))?.remaining).toBe(4);
  });

  it('forgets ended windows once many keys have been seen', async () => {
    let now = 0;
    const limiter = new RateLimiter({ readsPerMinute: 1, writesPerMinute: 1 }, new MemoryBudgetStore(), () => now);
    for (let i = 0; i < 10_000; i++) await limiter.take(`key-${i}`, 'read');
    now += 61_000;
    await limiter.take('fresh', 'read');
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });

  it('shares one budget between limiters (processes) on one store: never more than the limit, and nearly all of it', async () => {
    const store = new MemoryBudgetStore();
    const limiters = Array.from({ length: 4 }, () => new RateLimiter({ readsPerMinute: 600, writesPerMinute: 300 }, store, () => 0));
    let allowed = 0;
    for (let round = 0; round < 400; round++) {
      const decisions = await Promise.all(limiters.map((limiter) => limiter.take('shared', 'read')));
      allowed += decisions.filter((decision) => decision?.allowed).length;
    }
    expect(allowed).toBe(600);
  });
});

describe('budgets in PostgreSQL', () => {
  let roster: TestRoster;
  beforeAll(async () => {
    roster = await startTestRoster();
  });
  afterAll(async () => {
    await roster?.close();
  });

  it('grants exactly the limit across limiters that share the database, with concurrent leases', async () => {
    const limiters = Array.from({ length: 3 }, () => new RateLimiter({ readsPerMinute: 500, writesPerMinute: 1 }, new PostgresBudgetStore(roster.ctx.db), () => 7 * 60_000 + 1));
    const decisions = await Promise.all(Array.from({ length: 900 }, (_, i) => limiters[i % 3]!.take('pg-shared', 'read')));
    expect(decisions.filter((decision) => decision?.allowed)).toHaveLength(500);
  });
});

describe('rate limits on the users API', () => {
  let roster: TestRoster;
  let tenant: TestTenant;
  let neighbour: TestTenant;

  beforeAll(async () => {
    roster = await startTestRoster({ RATE_LIMIT_READS_PER_MINUTE: '3', RATE_LIMIT_WRITES_PER_MINUTE: '2' });
    tenant = await createTestTenant(roster.ctx);
    neighbour = await createTestTenant(roster.ctx);
  });
  afterAll(async () => {
    await roster?.close();
  });

  it('sends X-RateLimit headers on every answer and 429 rate_limited with Retry-After beyond the limit', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await roster.app.inject({ method: 'GET', url: '/v3/users/nobody/', headers: tenant.keyAuth });
      expect(response.statusCode).toBe(404);
      expect(response.headers['x-ratelimit-limit']).toBe('3');
      expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
      remaining.push(response.headers['x-ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await roster.app.inject({ method: 'GET', url: '/v3/users/', headers: tenant.keyAuth });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('limits writes separately, faces included, and leaves other keys alone', async () => {
    const create = (vendorData: string, who = tenant) => roster.app.inject({ method: 'POST', url: '/v3/users/create/', payload: { vendor_data: vendorData }, headers: who.keyAuth });
    expect((await create('w-1')).statusCode).toBe(201);
    expect((await create('w-2')).headers['x-ratelimit-remaining']).toBe('0');
    const refused = await create('w-3');
    expect(refused.statusCode).toBe(429);
    const face = await roster.app.inject({
      method: 'POST',
      url: `/v3/organization/${tenant.orgId}/application/${tenant.appId}/vendor-users/by-id/00000000-0000-0000-0000-000000000000/faces/upload/`,
      payload: { image: 'AAAA' },
      headers: tenant.keyAuth,
    });
    expect(face.statusCode).toBe(429);
    expect((await roster.ctx.db.selectFrom('users').select('vendor_data').where('vendor_data', '=', 'w-3').execute()).length).toBe(0);
    expect((await create('w-1', neighbour)).statusCode).toBe(201);
    expect((await roster.app.inject({ method: 'GET', url: '/v3/users/w-1/', headers: neighbour.keyAuth })).statusCode).toBe(200);
  });

  it('does not count requests without a valid key', async () => {
    const response = await roster.app.inject({ method: 'GET', url: '/v3/users/', headers: { 'x-api-key': 'rk_nope' } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['x-ratelimit-limit']).toBeUndefined();
  });
});
