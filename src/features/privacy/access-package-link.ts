import { checkSignedLink, type LinkCheck, signLinkQuery } from '../../platform/crypto/signed-link.ts';

/** A package's download link is a bearer link like an export's (docs/security.md), signed for this purpose only. */
const PURPOSE = 'roster-access-package-download';

export const accessPackageDownloadPath = (packageId: string) => `/api/console/access-packages/${packageId}/download`;

export function signedAccessPackageUrl(publicUrl: string, secret: string, packageId: string, expiresAt: Date): string {
  return `${publicUrl}${accessPackageDownloadPath(packageId)}?${signLinkQuery(secret, PURPOSE, packageId, expiresAt)}`;
}

export function checkAccessPackageLink(secret: string, packageId: string, expires: unknown, sig: unknown, now = Date.now()): LinkCheck {
  return checkSignedLink(secret, PURPOSE, packageId, expires, sig, now);
}
