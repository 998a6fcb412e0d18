import type { FastifyRequest } from 'fastify';
import { forbidden } from '../../http/errors.ts';

const stateChangingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isStateChanging(method: string): boolean {
  return stateChangingMethods.has(method.toUpperCase());
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * A browser sends the session cookie with any request to us, including one a foreign page makes;
 * it also names that page in Origin. So a state-changing request whose Origin is neither our
 * public URL nor the host it was sent to did not come from the console. Scripts that send no
 * Origin (curl, the CLI) are not browsers and pass.
 */
export function rejectCrossSiteRequest(request: FastifyRequest, publicUrl: string): void {
  if (!isStateChanging(request.method)) return;
  const originHeader = request.headers.origin;
  if (originHeader === undefined) {
    // Without Origin, a browser's fetch metadata still tells a cross-site request apart.
    if (request.headers['sec-fetch-site'] === 'cross-site') throw crossSite('another site');
    return;
  }
  const origin = originOf(originHeader);
  if (origin !== null && origin !== 'null') {
    if (origin === originOf(publicUrl)) return;
    if (new URL(origin).host === request.host) return;
  }
  throw crossSite(originHeader);
}

function crossSite(origin: string) {
  return forbidden('cross_site_request', `A request from ${origin} may not change anything here; use the Roster console or an API token`);
}
