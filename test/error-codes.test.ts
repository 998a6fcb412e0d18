import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, badRequest } from '../src/http/errors.ts';
import { errorCodeTable } from '../src/http/error-response.ts';
import { type ErrorCode, errorCodeNames, errorCodes, isErrorCode } from '../src/shared/error-codes.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';

/**
 * The error-code catalogue (src/shared/error-codes.ts) is the only source of codes and of their
 * statuses: every code the source throws is in it, /docs lists all of it, docs/api.md shows it, and
 * answers carry the status the catalogue gives their code.
 */

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [join(folder, entry.name)] : [],
  );
}

/** Where a code is written at a throw or answer site, and the status that site implies (null: the catalogue's). */
const throwSites: { pattern: RegExp; status: number | null }[] = [
  { pattern: /new AppError\(\s*'([a-z0-9_]+)'/g, status: null },
  { pattern: /\bbadRequest\(\s*'([a-z0-9_]+)'/g, status: 400 },
  { pattern: /\bunauthorized\(\s*'([a-z0-9_]+)'/g, status: 401 },
  { pattern: /\bforbidden\(\s*'([a-z0-9_]+)'/g, status: 403 },
  { pattern: /\bnotFound\([^()]*?,\s*'([a-z0-9_]+)'\)/g, status: 404 },
  { pattern: /\bconflict\(\s*'([a-z0-9_]+)'/g, status: 409 },
  { pattern: /\btooLarge\(\s*'([a-z0-9_]+)'/g, status: 413 },
  { pattern: /\binvalid\(\s*'([a-z0-9_]+)'/g, status: 422 },
  { pattern: /\b(?:sendError|errorBody)\((?:reply[^,]*,\s*)?'([a-z0-9_]+)'/g, status: null },
  { pattern: /\brefuse\(\s*'([a-z0-9_]+)'/g, status: null },
  // Field problems of the users API: { field, code, message } and fail(field, code, message).
  { pattern: /\{ field: [^,]+, code: '([a-z0-9_]+)'/g, status: null },
  { pattern: /\bfail\('[a-z_]+', '([a-z0-9_]+)'/g, status: null },
];

describe('the error-code catalogue', () => {
  it('holds every code the source throws or answers, with the status its site implies', () => {
    const found = new Map<string, string[]>();
    const problems: string[] = [];
    for (const file of sourceFiles('src')) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const { pattern, status } of throwSites) {
        for (const match of text.matchAll(pattern)) {
          const code = match[1]!;
          found.set(code, [...(found.get(code) ?? []), file]);
          if (!isErrorCode(code)) problems.push(`${file}: ${code} is not in src/shared/error-codes.ts`);
          else if (status !== null && errorCodes[code].status !== status) problems.push(`${file}: ${code} is thrown as ${status}, catalogued as ${errorCodes[code].status}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The scan really reads the throw sites: most of the catalogue is found by it.
    expect(found.size).toBeGreaterThan(errorCodeNames.length * 0.75);
  });

  it('refuses a code outside the catalogue at compile time, and takes the status from it', () => {
    // @ts-expect-error: a misspelt code does not compile.
    expect(() => new AppError('user_not_fuond', 'typo')).toThrow(TypeError);
    // @ts-expect-error: badRequest takes only the catalogue's 400 codes.
    expect(badRequest('user_not_found', 'wrong status').status).toBe(404);
    expect(new AppError('too_many_pending_exports', 'x').status).toBe(429);
    for (const [code, entry] of Object.entries(errorCodes)) {
      expect(code, code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.meaning.length, code).toBeGreaterThan(5);
    }
  });

  it('is the table of docs/api.md', () => {
    const api = readFileSync(join(root, 'docs/api.md'), 'utf8');
    const between = /<!-- error-codes:start -->\n([\s\S]*?)\n<!-- error-codes:end -->/.exec(api);
    expect(between, 'docs/api.md has the error-codes markers').not.toBeNull();
    // On a difference, paste the output of: node --import tsx -e "import('./src/http/error-response.ts').then((m) => console.log(m.errorCodeTable()))"
    expect(between![1]).toBe(errorCodeTable());
  });
});

describe('the catalogue in answers and in /docs', () => {
  let roster: TestRoster;
  let tenant: TestTenant;
  beforeAll(async () => {
    roster = await startTestRoster();
    tenant = await createTestTenant(roster.ctx);
  });
  afterAll(() => roster?.close());

  it('lists every code in the OpenAPI document, and every error answer refers to it', async () => {
    const response = await roster.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document['x-error-codes']).toEqual(errorCodes);
    const schema = document.components.schemas.ErrorCode;
    expect([...schema.enum].sort()).toEqual([...errorCodeNames].sort());
    for (const code of errorCodeNames) expect(schema.description, code).toContain(`| \`${code}\` | ${errorCodes[code].status} |`);
    expect(JSON.stringify(document.components.schemas.ErrorResponse)).toContain('#/components/schemas/ErrorCode');
    const errorAnswers = Object.values(document.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>).flatMap((methods) =>
      Object.values(methods).flatMap((operation) => Object.entries(operation.responses ?? {}).filter(([status]) => status >= '400')),
    );
    expect(errorAnswers.length).toBeGreaterThan(50);
    for (const [status, answer] of errorAnswers) expect(JSON.stringify(answer), status).toContain('#/components/schemas/ErrorResponse');
  });

  it('answers bad input with the status the catalogue gives its code', async () => {
    const users = (query = '') => `/v3/users/${query}`;
    const requests: { name: string; code: ErrorCode; inject: InjectOptions }[] = [
      { name: 'malformed JSON', code: 'invalid_json', inject: { method: 'POST', url: '/v3/users/create/', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, payload: '{"vendor_data": ' } },
      { name: 'no key', code: 'missing_api_key', inject: { method: 'GET', url: users() } },
      { name: 'unknown key', code: 'invalid_api_key', inject: { method: 'GET', url: users(), headers: { 'x-api-key': 'rk_not_a_key' } } },
      { name: 'forged cursor', code: 'invalid_cursor', inject: { method: 'GET', url: users('?cursor=bm90IGpzb24'), headers: tenant.keyAuth } },
      { name: 'unknown filter', code: 'unknown_filter', inject: { method: 'GET', url: users('?updated_after=2026-01-01'), headers: tenant.keyAuth } },
      { name: 'field problems', code: 'invalid_email', inject: { method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: { email: 'not an email' } } },
      { name: 'unknown user', code: 'user_not_found', inject: { method: 'GET', url: '/v3/users/nobody-here/', headers: tenant.keyAuth } },
      { name: 'unknown route', code: 'route_not_found', inject: { method: 'GET', url: '/v3/nothing-here/' } },
      { name: 'role forbids', code: 'forbidden_role', inject: { method: 'GET', url: '/api/console/audit-logs', headers: tenant.operators.READER.auth } },
      { name: 'wrong media type', code: 'unsupported_media_type', inject: { method: 'POST', url: '/v3/users/create/', headers: { ...tenant.keyAuth, 'content-type': 'application/x-evil' }, payload: 'x' } },
    ];
    for (const request of requests) {
      const response = await roster.app.inject(request.inject);
      expect(response.json().error?.code, `${request.name}: ${response.body.slice(0, 200)}`).toBe(request.code);
      expect(response.statusCode, request.name).toBe(errorCodes[request.code].status);
    }
  });
});
