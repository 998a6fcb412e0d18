import type { FastifySchema } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routeTable } from '../src/http/route-table.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';

/**
 * Issue #19, finding 6 and "what must work" 5: NUL and lone surrogates sent to every string every route
 * takes, in the body (nested records, arrays and record keys included), the query and the path, with
 * real resources in the path so the request reaches the service. The routes come from Fastify's own
 * route table (src/http/route-table.ts), so a route added tomorrow is attacked without touching this file.
 */

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

let roster: TestRoster;
let tenant: TestTenant;
const ids: Record<string, string> = {};

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'metadata.\ud800';
// In a URL: a NUL, and the UTF-8 form of a surrogate (which is no UTF-8 at all).
const URL_VALUES = ['a%00b', 'a%ED%A0%80b'];

function toJsonSchema(schema: unknown): JsonSchema | null {
  if (!schema) return null;
  if (schema instanceof z.ZodType) return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  // A plain object of Zod fields (some routes declare `querystring: { a: z.string() }`).
  if (typeof schema === 'object' && Object.values(schema).every((value) => value instanceof z.ZodType)) return toJsonSchema(z.object(schema as z.ZodRawShape));
  return schema as JsonSchema;
}

/** The branch a value is built from: the first that is not null. */
function branch(schema: JsonSchema): JsonSchema {
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return branch(choices.find((choice) => choice.type !== 'null') ?? choices[0]!);
  if (schema.allOf?.length) return branch(schema.allOf[0]!);
  return schema;
}

const typeOf = (schema: JsonSchema) => [schema.type].flat().find((type) => type !== 'null');

/** A plausible valid value for `schema`, so that only the one hostile string makes a request wrong. */
function sample(input: JsonSchema): unknown {
  const schema = branch(input);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (typeOf(schema)) {
    case 'string':
      if (schema.format === 'uuid') return '00000000-0000-0000-0000-000000000000';
      if (schema.format === 'date-time' || schema.format === 'date') return '2026-01-01';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'number':
    case 'integer':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return (schema.minItems ?? 0) > 0 && schema.items ? [sample(schema.items)] : [];
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, sample(schema.properties?.[key] ?? {})]));
    default:
      return 'x';
  }
}

/** Values of `schema`, each with exactly one free-text string (or record key) replaced by `hostile`. */
function variants(input: JsonSchema, hostile: string): unknown[] {
  const schema = branch(input);
  if (schema.enum || schema.const !== undefined) return [];
  switch (typeOf(schema)) {
    case 'string':
      return [hostile];
    case 'array':
      return schema.items ? variants(schema.items, hostile).map((item) => [item]) : [];
    case 'object': {
      const base = sample(schema) as Record<string, unknown>;
      const out: unknown[] = [];
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        for (const value of variants(property, hostile)) out.push({ ...base, [key]: value });
      }
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object') {
        out.push({ ...base, [hostile]: sample(extra) });
        for (const value of variants(extra, hostile)) out.push({ ...base, email: value });
      }
      return out;
    }
    default:
      return [];
  }
}

function fillPath(url: string, override?: { name: string; value: string }): string {
  return url.replace(/:([A-Za-z_]+)/g, (_, name: string, offset: number) => {
    if (override?.name === name) return override.value;
    if (name === 'id') {
      const owner = url.slice(0, offset).split('/').filter(Boolean).at(-1) ?? '';
      return ids[owner] ?? '00000000-0000-0000-0000-000000000000';
    }
    return ids[name] ?? 'x';
  });
}

const authFor = (url: string) => (url.startsWith('/v3') ? tenant.keyAuth : tenant.operators.OWNER.auth);

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  await roster.startWorker();
  const owner = tenant.operators.OWNER.auth;
  const user = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: { vendor_data: 'alice', email: 'alice@example.com' } });
  expect(user.statusCode).toBe(201);
  const upload = await roster.app.inject({
    method: 'POST',
    url: `/api/console/apps/${tenant.appId}/imports`,
    headers: { ...owner, 'content-type': 'text/csv' },
    payload: 'vendor_data,email\nbob,bob@example.com\n',
  });
  expect(upload.statusCode).toBe(201);
  const exported = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/exports`, headers: owner, payload: {} });
  const key = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/api-keys`, headers: owner, payload: { name: 'spare' } });
  const token = await roster.app.inject({ method: 'POST', url: '/api/console/tokens', headers: owner, payload: { name: 'spare' } });
  Object.assign(ids, {
    app_id: tenant.appId,
    application_id: tenant.appId,
    organization_id: tenant.orgId,
    didit_internal_id: user.json().didit_internal_id,
    vendor_data: 'alice',
    row: '1',
    imports: upload.json().id,
    exports: exported.json().id,
    'api-keys': key.json().id,
    tokens: token.json().id,
    operators: tenant.operators.READER.id,
  });
  // The import's rows exist once it is validated.
  const deadline = Date.now() + 30_000;
  let status = upload.json().status;
  while (status === 'validating' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/imports/${ids.imports}`, headers: owner })).json().status;
  }
  expect(status).toBe('ready');
});

afterAll(async () => {
  await roster?.close();
});

interface Answer {
  label: string;
  status: number;
  body: string;
}

async function send(method: string, url: string, payload: unknown, label: string): Promise<Answer> {
  const response = await roster.app.inject({
    method: method as 'POST',
    url,
    headers: authFor(url),
    ...(method === 'GET' || method === 'HEAD' ? {} : { payload: payload === undefined ? {} : (payload as Record<string, unknown>) }),
  });
  return { label, status: response.statusCode, body: response.body };
}

describe('NUL and lone surrogates against every route in the route table (issue #19)', () => {
  it('answers the two inputs of the finding with a 4xx and a stable code, and changes nothing', async () => {
    const owner = tenant.operators.OWNER.auth;
    const base = `/api/console/apps/${tenant.appId}/imports/${ids.imports}`;
    const edit = await roster.app.inject({ method: 'PATCH', url: `${base}/rows/1`, headers: owner, payload: { values: { email: 'a\u0000b' } } });
    expect(edit.statusCode, edit.body).toBe(422);
    expect(edit.json().error.code).toBe('validation_failed');
    const mapping = await roster.app.inject({ method: 'PUT', url: `${base}/mapping`, headers: owner, payload: { mapping: { email: 'metadata.\ud800' } } });
    expect(mapping.statusCode, mapping.body).toBe(422);
    expect(mapping.json().error.code).toBe('validation_failed');
    const rows = (await roster.app.inject({ method: 'GET', url: `${base}/rows`, headers: owner })).json().rows;
    expect(rows[0].values.email).toBe('bob@example.com');
  });

  it('never answers 500 to a NUL or a lone surrogate in any string of any body, query or path', async () => {
    const routes = routeTable(roster.app).filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(40);
    const answers: Answer[] = [];
    for (const route of routes) {
      const schema = (route.schema ?? {}) as FastifySchema;
      const body = toJsonSchema(schema.body);
      if (body) {
        for (const hostile of [NUL, LONE_SURROGATE]) {
          for (const payload of variants(body, hostile)) {
            answers.push(await send(route.method, fillPath(route.url), payload, `${route.method} ${route.url} body ${JSON.stringify(payload).slice(0, 120)}`));
          }
        }
      }
      const query = toJsonSchema(schema.querystring);
      for (const name of Object.keys(query?.properties ?? {})) {
        for (const value of URL_VALUES) {
          answers.push(await send(route.method, `${fillPath(route.url)}?${name}=${value}`, body ? sample(body) : undefined, `${route.method} ${route.url}?${name}=${value}`));
        }
      }
      for (const [, name] of route.url.matchAll(/:([A-Za-z_]+)/g)) {
        for (const value of URL_VALUES) {
          answers.push(await send(route.method, fillPath(route.url, { name: name!, value }), body ? sample(body) : undefined, `${route.method} ${route.url} :${name}=${value}`));
        }
      }
    }
    expect(answers.length).toBeGreaterThan(200);
    const failures = answers.filter((answer) => answer.status >= 500).map((answer) => `${answer.label} → ${answer.status} ${answer.body.slice(0, 200)}`);
    expect(failures).toEqual([]);
    // A NUL anywhere, and a lone surrogate in a body, is refused: the shared safe-text rule is on every schema.
    // (In a URL the bytes of a surrogate are no UTF-8 and are read as U+FFFD, which is harmless text.)
    const accepted = answers.filter((answer) => answer.status < 400 && (answer.label.includes(' body ') || answer.label.includes('%00')));
    expect(accepted.map((answer) => `${answer.label} → ${answer.status}`)).toEqual([]);
    for (const answer of answers.filter((candidate) => candidate.status >= 400)) {
      expect(JSON.parse(answer.body).error.code, answer.label).toMatch(/^[a-z][a-z0-9_]*$/);
    }
    // A hostile string is never stored: the import's rows and the user keep what they had.
    const stored = await roster.ctx.db.selectFrom('users').select(['vendor_data', 'email']).where('app_id', '=', tenant.appId).execute();
    expect(stored.every((row) => !`${row.vendor_data}${row.email}`.includes('\u0000'))).toBe(true);
  });
});
