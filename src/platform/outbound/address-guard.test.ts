// What outward traffic may reach (docs/security.md, "Outbound requests"): the ranges, and the check a
// connection makes itself, so a name that resolves to an internal address is refused when used.
import { describe, expect, it } from 'vitest';
import { assertPublicHost, ForbiddenAddressError, guardedLookup, isForbiddenAddress } from './address-guard.ts';

describe('the outbound address guard', () => {
  it('refuses loopback, private, link-local, metadata and mapped addresses, and lets public ones through', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.1.2.3', 'not-an-ip']) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
  });

  it('refuses a host name that resolves to a forbidden address, at check time and at connection time', async () => {
    await expect(assertPublicHost('localhost')).rejects.toBeInstanceOf(ForbiddenAddressError);
    await expect(assertPublicHost('[::1]')).rejects.toBeInstanceOf(ForbiddenAddressError);
    const error = await new Promise<unknown>((resolve) => guardedLookup('localhost', {}, (failure) => resolve(failure)));
    expect(error).toBeInstanceOf(ForbiddenAddressError);
  });
});
