import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links sent by email are bearer links: whoever holds one may use it until it expires. The HMAC covers a
 * purpose, the thing's id, the expiry and any extra fields, so none can be changed and a link made for one
 * purpose (an export) never opens another (an access package). docs/security.md describes them.
 */

function signature(secret: string, purpose: string, fields: readonly string[]): Buffer {
  return createHmac('sha256', secret).update([purpose, ...fields].join('\n')).digest();
}

/** `expires=…&sig=…` (after any `extra` parameters) for a link to `id`, valid until `expiresAt` (whole seconds). */
export function signLinkQuery(secret: string, purpose: string, id: string, expiresAt: Date, extra: Record<string, string> = {}): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const fields = [id, String(expires), ...Object.values(extra)];
  return new URLSearchParams({ ...extra, expires: String(expires), sig: signature(secret, purpose, fields).toString('hex') }).toString();
}

export type LinkCheck = 'ok' | 'invalid' | 'expired';

/** Checks a link's `expires` and `sig` (and the `extra` values it was signed with). */
export function checkSignedLink(secret: string, purpose: string, id: string, expires: unknown, sig: unknown, now = Date.now(), extra: Record<string, string> = {}): LinkCheck {
  if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires)) return 'invalid';
  if (typeof sig !== 'string' || !/^[0-9a-f]{64}$/i.test(sig)) return 'invalid';
  const expected = signature(secret, purpose, [id, expires, ...Object.values(extra)]);
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'invalid';
  // After the signature, so a forged expiry reads as tampering rather than as an old link.
  return Number(expires) * 1000 <= now ? 'expired' : 'ok';
}
