import { createHash, randomBytes } from 'node:crypto';

/** Secrets are stored as SHA-256 hashes: they are long random strings, so a slow hash adds nothing. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function newSecret(prefix: 'rk' | 'rct' | 'rs'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The part of an API key shown in lists and audit entries, so it can be recognised but not used. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, 10);
}
