import { checkSignedLink, type LinkCheck, signLinkQuery } from '../../platform/crypto/signed-link.ts';

/**
 * Download links go by email, so they are bearer links: whoever holds one may download until it
 * expires. The signature covers the export id and the expiry (and a later part's name, docs/warehouse.md).
 */
const PURPOSE = 'roster-export-download';

export type { LinkCheck };

export function exportDownloadPath(exportId: string): string {
  return `/api/console/exports/${exportId}/download`;
}

export function signedExportUrl(publicUrl: string, secret: string, exportId: string, expiresAt: Date, part?: string): string {
  return `${publicUrl}${exportDownloadPath(exportId)}?${signLinkQuery(secret, PURPOSE, exportId, expiresAt, part === undefined ? {} : { part })}`;
}

export function checkExportLink(secret: string, exportId: string, expires: unknown, sig: unknown, now = Date.now(), part?: string): LinkCheck {
  return checkSignedLink(secret, PURPOSE, exportId, expires, sig, now, part === undefined ? {} : { part });
}
