import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Download links go by email, so they are bearer links: whoever holds one may download until it
 * expires. The signature covers the export id and the expiry, so neither can be changed.
 */

function signature(secret: string, exportId: string, expires: number, part?: string): Buffer {
  // A purpose prefix keeps this signature from ever matching one made for another kind of link; a link to
  // a later part of the export (docs/warehouse.md) signs its name too.
  return createHmac('sha256', secret).update(`roster-export-download\n${exportId}\n${expires}${part === undefined ? '' : `\n${part}`}`).digest();
}

export function exportDownloadPath(exportId: string): string {
  return `/api/console/exports/${exportId}/download`;
}

export function signedExportUrl(publicUrl: string, secret: string, exportId: string, expiresAt: Date, part?: string): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const query = new URLSearchParams({ ...(part === undefined ? {} : { part }), expires: String(expires), sig: signature(secret, exportId, expires, part).toString('hex') });
  return `${publicUrl}${exportDownloadPath(exportId)}?${query.toString()}`;
}

export type LinkCheck = 'ok' | 'invalid' | 'expired';

export function checkExportLink(secret: string, exportId: string, expires: unknown, sig: unknown, now = Date.now(), part?: string): LinkCheck {
  if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires)) return 'invalid';
  if (typeof sig !== 'string' || !/^[0-9a-f]{64}$/i.test(sig)) return 'invalid';
  const expected = signature(secret, exportId, Number(expires), part);
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'invalid';
  // After the signature, so a forged expiry reads as tampering rather than as an old link.
  return Number(expires) * 1000 <= now ? 'expired' : 'ok';
}
