import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build` writes the console (vite outDir). */
export const consoleDistDir = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** Paths that belong to the server; an unknown path under them is a JSON 404, never the console's page. */
const serverPrefixes = ['/api', '/v3', '/docs', '/healthz', '/readyz', '/metrics', '/files'];

function belongsToServer(urlPath: string): boolean {
  return serverPrefixes.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Roster</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Roster is running</h1>
<p>The web console has not been built yet. Run <code>npm run build</code> in the Roster folder, then reload this page.</p>
<p>The API works already: see <a href="/docs">the API documentation</a>.</p>
</body></html>`;

/** The file under dist a request path names, if it exists; path.resolve plus the prefix check keeps `..` out. */
function builtFile(distDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(distDir, `.${decoded}`);
  if (!file.startsWith(distDir + path.sep)) return null;
  try {
    return statSync(file).isFile() ? path.relative(distDir, file) : null;
  } catch {
    return null;
  }
}

/**
 * Serves the console at `/`: files from console/dist, and index.html for any other GET so the
 * SPA's own routes (/users, /imports/:id) survive a reload. Looks the file up per request rather
 * than at start-up, so a rebuild while the server runs is picked up.
 */
export async function registerConsoleStatic(app: FastifyInstance, distDir = consoleDistDir): Promise<void> {
  await app.register(fastifyStatic, { root: distDir, serve: false });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const urlPath = request.url.split('?')[0];
    if (belongsToServer(urlPath)) return reply.callNotFound();
    if (!existsSync(path.join(distDir, 'index.html'))) {
      return reply.status(200).type('text/html; charset=utf-8').send(notBuiltPage);
    }
    const file = builtFile(distDir, urlPath);
    // Hashed asset names change with their content, so browsers may keep them for good.
    if (file && file.startsWith(`assets${path.sep}`)) return reply.sendFile(file, { maxAge: '365d', immutable: true });
    if (file && file !== 'index.html') return reply.sendFile(file, { maxAge: 0 });
    // Unknown paths with a file extension are missing files, not console pages.
    if (path.extname(urlPath) !== '' && !file) return reply.callNotFound();
    // index.html names the current asset files, so browsers must check it on every visit.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
}
