import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { passwordCheckGate } from './password-check-gate.ts';
import { signInRules, waitAfter } from './sign-in-throttle.ts';

/**
 * Issue #9 findings 1, 2 and 13, as reproduced against the running service, and the rules that fix them:
 * attempts reserved before argon2, a per-address cap whatever the email, a bound on argon2 in flight,
 * a growing Retry-After instead of a lock, and counters shared by every process through PostgreSQL.
 */

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

function signIn(email: string, password: string, ip: string, app = roster.app) {
  return app.inject({ method: 'POST', url: '/api/console/session', payload: { email, password }, remoteAddress: ip });
}

function tally(responses: LightMyRequestResponse[]) {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1;
  return counts;
}

/** Ends every wait as if it had passed (the counters stay), so a test need not sleep for minutes. */
async function endWaits(keyPattern: string) {
  await sql`UPDATE sign_in_throttles SET blocked_until = now() - interval '1 second' WHERE key LIKE ${keyPattern} AND blocked_until IS NOT NULL`.execute(roster.ctx.db);
}

describe('300 concurrent wrong passwords for one email from one address (finding 1)', () => {
  it('checks at most the per-email-and-address cap of them; the rest answer 429 at once with Retry-After', async () => {
    const target = (await createTestTenant(roster.ctx, `flood-${randomBytes(3).toString('hex')}`)).operators.READER;
    const responses = await Promise.all(Array.from({ length: 300 }, (_, attempt) => signIn(target.email, `wrong-${attempt}`, '198.51.100.1')));
    const counts = tally(responses);
    // On main all 300 were checked: 401 ×300.
    expect(counts[401] ?? 0).toBeLessThanOrEqual(signInRules.emailAndAddress.limit);
    expect(counts[429]).toBeGreaterThanOrEqual(300 - signInRules.emailAndAddress.limit);
    for (const response of responses.filter((r) => r.statusCode === 429)) {
      expect(response.json().error.code).toBe('too_many_attempts');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Still refused with the right password: the password is not checked past the limit.
    expect((await signIn(target.email, target.password, '198.51.100.1')).statusCode).toBe(429);
  });
});

describe('parallel sign-ins with a random email each, from one address (finding 2)', () => {
  it('are capped per address whatever the email: no more argon2 checks than the per-address limit', async () => {
    const ip = '198.51.100.2';
    const responses: LightMyRequestResponse[] = [];
    // 40 loops, 5 attempts each (the finding ran 40 loops for 10 s and got 1,719 checks through).
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        for (let attempt = 0; attempt < 5; attempt += 1) responses.push(await signIn(`random-${randomBytes(6).toString('hex')}@example.com`, 'guess-guess', ip));
      }),
    );
    const counts = tally(responses);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(signInRules.address.limit);
    // The rest: 429 past the cap, or 503 when more than the argon2 bound were in flight at once.
    expect((counts[401] ?? 0) + (counts[429] ?? 0) + (counts[503] ?? 0)).toBe(200);
    expect(counts[429]).toBeGreaterThanOrEqual(100);
    // Another address is not affected.
    const owner = tenant.operators.OWNER;
    expect((await signIn(owner.email, owner.password, '198.51.100.3')).statusCode).toBe(200);
  });

  it('from many addresses, never runs more argon2 checks at once than the bound, and answers 503 with Retry-After beyond the queue', async () => {
    const gate = passwordCheckGate;
    gate.peakRunning = 0;
    const attempts = gate.maxRunning + gate.maxWaiting + 40;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, index) => signIn(`spread-${randomBytes(6).toString('hex')}@example.com`, 'guess-guess', `203.0.113.${index + 1}`)),
    );
    const counts = tally(responses);
    expect(gate.peakRunning).toBeGreaterThan(0);
    expect(gate.peakRunning).toBeLessThanOrEqual(gate.maxRunning);
    expect(counts[503]).toBeGreaterThan(0);
    expect((counts[401] ?? 0) + counts[503]).toBe(attempts);
    for (const response of responses.filter((r) => r.statusCode === 503)) {
      expect(response.json().error.code).toBe('sign_in_busy');
      expect(response.headers['retry-after']).toBe('1');
    }
    // Refused unchecked, so they counted for nothing: those addresses may try again at once.
    const refusedIndex = responses.findIndex((r) => r.statusCode === 503);
    expect((await signIn('someone@example.com', 'guess-guess', `203.0.113.${refusedIndex + 1}`)).statusCode).toBe(401);
  });
});

describe('the wait past a limit', () => {
  it('starts at a minute and doubles with each failure after it, instead of a fixed lock', async () => {
    const target = (await createTestTenant(roster.ctx, `grow-${randomBytes(3).toString('hex')}`)).operators.READER;
    const ip = '198.51.100.4';
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await signIn(target.email, 'wrong-password', ip)).statusCode).toBe(401);
    const retryAfters: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const refused = await signIn(target.email, 'wrong-password', ip);
      expect(refused.statusCode).toBe(429);
      retryAfters.push(Number(refused.headers['retry-after']));
      await endWaits(`ea:${target.email}%`);
      expect((await signIn(target.email, 'wrong-password', ip)).statusCode).toBe(401);
    }
    expect(retryAfters[0]).toBeLessThanOrEqual(60);
    expect(retryAfters[1]).toBeGreaterThan(60);
    expect(retryAfters[1]).toBeLessThanOrEqual(120);
    expect(retryAfters[2]).toBeGreaterThan(120);
    expect(retryAfters[2]).toBeLessThanOrEqual(240);
    expect(waitAfter(signInRules.emailAndAddress, 100)).toBe(signInRules.emailAndAddress.maxSeconds);
  });

  it('is forgotten on a successful sign-in: the same address gets its ten attempts again', async () => {
    const target = (await createTestTenant(roster.ctx, `forgive-${randomBytes(3).toString('hex')}`)).operators.READER;
    const ip = '198.51.100.5';
    for (let attempt = 0; attempt < 9; attempt += 1) expect((await signIn(target.email, 'wrong-password', ip)).statusCode).toBe(401);
    expect((await signIn(target.email, target.password, ip)).statusCode).toBe(200);
    for (let attempt = 0; attempt < 9; attempt += 1) expect((await signIn(target.email, 'wrong-password', ip)).statusCode).toBe(401);
    expect((await signIn(target.email, target.password, ip)).statusCode).toBe(200);
  });
});

describe('failures for one email from anywhere (finding 13)', () => {
  it('do not lock the real operator out from an address they signed in from before; elsewhere the wait is seconds, not 15 minutes', async () => {
    const target = (await createTestTenant(roster.ctx, `spread-${randomBytes(3).toString('hex')}`)).operators.READER;
    const home = '192.0.2.200';
    expect((await signIn(target.email, target.password, home)).statusCode).toBe(200);
    // 50 failures from 50 addresses (the per-email cap), then more.
    for (let index = 0; index < signInRules.email.limit; index += 1) {
      expect((await signIn(target.email, 'wrong-password', `10.9.${Math.floor(index / 200)}.${index % 200}`)).statusCode).toBe(401);
    }
    const stranger = await signIn(target.email, 'wrong-password', '10.9.9.9');
    expect(stranger.statusCode).toBe(429);
    expect(Number(stranger.headers['retry-after'])).toBeLessThanOrEqual(signInRules.email.baseSeconds);
    // On main: 429 for 15 minutes for the real operator too.
    expect((await signIn(target.email, target.password, home)).statusCode).toBe(200);
  });
});

describe('counters shared by every process', () => {
  it('count attempts made through two app instances on one database together', async () => {
    const target = (await createTestTenant(roster.ctx, `shared-${randomBytes(3).toString('hex')}`)).operators.READER;
    const second = await buildApp(roster.ctx);
    try {
      const ip = '198.51.100.6';
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect((await signIn(target.email, 'wrong-password', ip)).statusCode).toBe(401);
        expect((await signIn(target.email, 'wrong-password', ip, second)).statusCode).toBe(401);
      }
      expect((await signIn(target.email, target.password, ip)).statusCode).toBe(429);
      expect((await signIn(target.email, target.password, ip, second)).statusCode).toBe(429);
      const stored = await roster.ctx.db.selectFrom('sign_in_throttles').select(['failures']).where('key', '=', `ea:${target.email}\n${ip}`).executeTakeFirstOrThrow();
      expect(stored.failures).toBe(10);
    } finally {
      await second.close();
    }
  });
});
