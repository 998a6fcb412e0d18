import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsoleStatic } from '../../src/http/console-static.ts';
import { registerErrorHandling } from '../../src/http/errors.ts';

const roots: string[] = [];

async function serverWith(dist: 'built' | 'missing'): Promise<FastifyInstance> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'roster-console-dist-'));
  roots.push(root);
  if (dist === 'built') {
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  }
  const app = Fastify();
  registerErrorHandling(app);
  app.get('/api/console/me', async () => ({ me: true }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  await registerConsoleStatic(app, dist === 'built' ? root : path.join(root, 'dist'));
  await app.ready();
  return app;
}

let built: FastifyInstance;
let missing: FastifyInstance;

beforeAll(async () => {
  [built, missing] = await Promise.all([serverWith('built'), serverWith('missing')]);
});

afterAll(async () => {
  await Promise.all([built.close(), missing.close()]);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('serving the console at /', () => {
  it('answers the console page at / and at any console route, so a reload keeps the page', async () => {
    for (const url of ['/', '/users', '/imports/3f0c9a52-1111-4222-8333-944445555666', '/users?status=ACTIVE']) {
      const response = await built.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('<div id="root">');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets with a long cache life', async () => {
    const response = await built.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('never answers the console page for the API, the docs, health, files or a missing asset', async () => {
    expect((await built.inject({ method: 'GET', url: '/api/console/me' })).json()).toEqual({ me: true });
    expect((await built.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    for (const url of ['/api/console/nothing-here', '/v3/users/x/y/z', '/docs/nothing', '/files/nothing', '/healthz/x', '/assets/missing.js', '/../package.json']) {
      const response = await built.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe('route_not_found');
    }
  });

  it('says to run npm run build when the console has not been built', async () => {
    const response = await missing.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build');
    expect((await missing.inject({ method: 'GET', url: '/api/console/nothing' })).statusCode).toBe(404);
  });
});
