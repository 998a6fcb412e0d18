import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets Roster must use later (an export destination's secret access key) are kept encrypted with
 * AES-256-GCM under a key derived from ROSTER_SECRET. Each sealed value names the key it was sealed
 * with (a fingerprint, not the key), so after ROSTER_SECRET changes Roster can say "this secret was
 * sealed with another key: enter it again" instead of failing obscurely (docs/security.md, "Secrets at rest").
 */
const VERSION = 'v1';

export class SecretUnreadableError extends Error {
  readonly code = 'secret_unreadable';
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnreadableError';
  }
}

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** Whether `sealed` was sealed with this box's key. */
  canOpen(sealed: string): boolean;
}

export function secretBox(rosterSecret: string, purpose: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', rosterSecret, 'roster', `roster:${purpose}`, 32));
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(`${VERSION}:${keyId}`));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    open(sealed) {
      const [version, sealedKeyId, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretUnreadableError('the stored secret is not in a known format');
      if (sealedKeyId !== keyId) throw new SecretUnreadableError('the stored secret was encrypted under another ROSTER_SECRET; enter it again');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(`${VERSION}:${keyId}`));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretUnreadableError('the stored secret failed its integrity check');
      }
    },
    canOpen(sealed) {
      return sealed.split(':')[1] === keyId;
    },
  };
}
