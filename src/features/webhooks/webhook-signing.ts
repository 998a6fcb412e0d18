import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks 1.0 signatures (docs/webhooks.md): `webhook-signature` is `v1,` + base64 of
 * HMAC-SHA256 over `id.timestamp.body`, keyed with the base64-decoded part of a `whsec_` secret; during
 * a rotation the old and the new secret both sign, space-separated.
 */

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three headers of one attempt, signed with every secret given (newest first). */
export function signedHeaders(secrets: readonly string[], id: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signatureOf(secret, id, timestamp, body)).join(' '),
  };
}
