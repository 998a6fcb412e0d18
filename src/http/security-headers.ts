import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';

/**
 * Security headers on every answer (issue #9, finding 8), through helmet: a CSP the console
 * runs under (its own scripts and styles only, no inline script, no framing), nosniff, no Referer
 * (links carry signed tokens), no framing. /docs (swagger-ui) gets its own CSP from swagger-ui's hashes.
 *
 * helmet's middleware is built once here: the @fastify/helmet plugin rebuilt it (and re-parsed the
 * CSP) on every request, which cost the users API about a quarter of its GET throughput.
 */

/** Face images the console shows come from S3 directly when files live there (signed links). */
function imageSources(config: Config): string[] {
  const sources = ["'self'", 'data:', 'blob:'];
  if (!config.STORAGE_URL) return sources;
  const endpoint = new URL(config.STORAGE_URL).searchParams.get('endpoint');
  if (!endpoint) return [...sources, 'https:'];
  try {
    return [...sources, new URL(endpoint).origin];
  } catch {
    return [...sources, 'https:'];
  }
}

export function consoleContentSecurityPolicy(config: Config): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'connect-src': ["'self'"],
    'font-src': ["'self'", 'data:'],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': imageSources(config),
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    // Style attributes only (no <style> elements): the overview's charts (Chartist) position their SVG with them; an attribute cannot run script.
    'style-src-attr': ["'unsafe-inline'"],
  };
}

export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const applyHeaders = helmet({
    // No upgrade-insecure-requests: Roster is often served over plain HTTP on a private address, and the
    // directive would send the console's own requests to an https:// that is not there.
    contentSecurityPolicy: { useDefaults: false, directives: consoleContentSecurityPolicy(config) },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only meaningful over https; not includeSubDomains, which would reach the owner's other hosts.
    strictTransportSecurity: config.PUBLIC_URL.startsWith('https:') ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    // Signed file links (/files, faces) answer cross-origin themselves: they are bearer links.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  app.addHook('onRequest', (request, reply, done) => applyHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
}

/** swagger-ui's own CSP for /docs (its hashes), with framing refused and no upgrade-insecure-requests. */
export function docsContentSecurityPolicy(header: string): string {
  return header
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
    .trim();
}
