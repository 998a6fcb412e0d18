import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '../src/http/security-headers.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';

/** Issue #9 finding 8: on main no answer carried a CSP, frame-ancestors, nosniff or Referrer-Policy. */

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

function expectSecurityHeaders(headers: Record<string, unknown>, label: string) {
  const csp = String(headers['content-security-policy'] ?? '');
  expect(csp, label).toContain("default-src 'self'");
  expect(csp, label).toContain("frame-ancestors 'none'");
  expect(csp, label).toContain("script-src 'self'");
  // Inline style attributes only (the overview's charts); no inline script or <style> element anywhere.
  for (const directive of csp.split(';').map((part) => part.trim())) {
    if (!directive.startsWith('style-src-attr ')) expect(directive, label).not.toContain('unsafe-inline');
  }
  expect(csp, label).not.toContain('upgrade-insecure-requests');
  expect(headers['x-content-type-options'], label).toBe('nosniff');
  expect(headers['referrer-policy'], label).toBe('no-referrer');
  expect(headers['x-frame-options'], label).toBe('DENY');
}

describe('security headers', () => {
  it('are on the console page, the console API, the users API and errors alike', async () => {
    const requests = [
      { url: '/', headers: {} },
      { url: '/users/some-page', headers: {} },
      { url: '/api/console/me', headers: tenant.operators.READER.auth },
      { url: '/api/console/me', headers: {} },
      { url: '/v3/users/', headers: tenant.keyAuth },
      { url: '/v3/users/', headers: {} },
      { url: '/healthz', headers: {} },
      { url: '/api/no-such-route', headers: {} },
    ];
    for (const request of requests) {
      const response = await roster.app.inject({ method: 'GET', url: request.url, headers: request.headers });
      expectSecurityHeaders(response.headers, `GET ${request.url} (${response.statusCode})`);
    }
  });

  it('leave /docs working under swagger-ui’s own CSP (its scripts are files, no inline script), still unframeable', async () => {
    const page = await roster.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
    const initializer = await roster.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const document = await roster.app.inject({ method: 'GET', url: '/docs/json' });
    expect(document.statusCode).toBe(200);
    expect(document.json().info.title).toBe('Roster API');
  });

  it('let the console show face images stored in S3 (the endpoint joins img-src)', () => {
    const csp = consoleContentSecurityPolicy({ ...roster.config, STORAGE_URL: 's3://faces?endpoint=http://s3.internal:9000&region=us-east-1' });
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'blob:', 'http://s3.internal:9000']);
  });
});
