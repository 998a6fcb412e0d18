import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config/config.ts';
import { startTestRoster, type TestRoster } from './harness.ts';

/**
 * Issue #9 finding 10: `TRUST_PROXY=true` trusted every hop, so `X-Forwarded-For: 6.6.6.6, 10.0.0.5` made
 * the client 6.6.6.6 and let anyone forge the address the throttles and the audit log use.
 */

const base = { ROSTER_DATA_DIR: '/tmp/roster-trust-proxy', ROSTER_SECRET: 'x'.repeat(32) };

describe('TRUST_PROXY', () => {
  it('takes false, a hop count (true means one), or a list of proxy addresses and CIDRs', () => {
    expect(parseConfig({ ...base }).TRUST_PROXY).toBe(false);
    expect(parseConfig({ ...base, TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(parseConfig({ ...base, TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ ...base, TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(parseConfig({ ...base, TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1,fd00::/8' }).TRUST_PROXY).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8']);
  });

  it('refuses anything else with one line naming the variable', () => {
    for (const value of ['yes', '10.0.0.300', '10.0.0.0/33', 'proxy.internal']) {
      expect(() => parseConfig({ ...base, TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => parseConfig({ ...base, TRUST_PROXY: value })).toThrow(/^TRUST_PROXY: /);
    }
  });
});

describe('the client address behind proxies', () => {
  const rosters: TestRoster[] = [];
  afterAll(async () => {
    await Promise.all(rosters.map((roster) => roster.close()));
  });

  /** The address a failed sign-in was counted under, as the per-address throttle key shows it. */
  async function addressSeen(trustProxy: string, remoteAddress: string, forwardedFor?: string): Promise<string> {
    const roster = await startTestRoster({ TRUST_PROXY: trustProxy });
    rosters.push(roster);
    await roster.app.inject({
      method: 'POST',
      url: '/api/console/session',
      remoteAddress,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      payload: { email: 'nobody@example.com', password: 'wrong-password' },
    });
    const rows = await roster.ctx.db.selectFrom('sign_in_throttles').select('key').where('key', 'like', 'a:%').execute();
    expect(rows).toHaveLength(1);
    return rows[0].key.slice(2);
  }

  it('with true (one hop) is the address the nearest proxy saw, not one the client wrote', async () => {
    // On main: 6.6.6.6.
    expect(await addressSeen('true', '10.0.0.1', '6.6.6.6, 10.0.0.5')).toBe('10.0.0.5');
  });

  it('with a list is the first address not in the list', async () => {
    expect(await addressSeen('10.0.0.1', '10.0.0.1', '6.6.6.6, 10.0.0.5')).toBe('10.0.0.5');
    expect(await addressSeen('10.0.0.0/24', '10.0.0.1', '6.6.6.6, 10.0.0.5')).toBe('6.6.6.6');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy, and when TRUST_PROXY is off', async () => {
    expect(await addressSeen('10.0.0.1', '192.0.2.9', '6.6.6.6')).toBe('192.0.2.9');
    expect(await addressSeen('false', '192.0.2.9', '6.6.6.6')).toBe('192.0.2.9');
  });
});
