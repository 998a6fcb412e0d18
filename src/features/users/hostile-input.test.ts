import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, tinyPng } from '../../../test/support/users.ts';

/**
 * Every endpoint of the users API (and the console's users endpoints) against input meant to break it:
 * none may answer 500, and every refusal has the contract's error shape.
 */

let roster: TestRoster;
let tenant: TestTenant;
let userId: string;

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: (vendorData?: string) => string;
  body: boolean;
  console?: boolean;
}

let endpoints: Endpoint[];

beforeAll(async () => {
  // Limits off: every hostile request must reach its handler, not stop at 429.
  roster = await startTestRoster({ RATE_LIMIT_READS_PER_MINUTE: '0', RATE_LIMIT_WRITES_PER_MINUTE: '0' });
  tenant = await createTestTenant(roster.ctx);
  const user = await createdUser(roster, tenant, { vendor_data: 'target' });
  userId = user.didit_internal_id;
  const vd = (value = 'target') => encodeURIComponent(value);
  endpoints = [
    { name: 'create', method: 'POST', url: () => '/v3/users/create/', body: true },
    { name: 'get', method: 'GET', url: (v) => `/v3/users/${vd(v)}/`, body: false },
    { name: 'list', method: 'GET', url: () => '/v3/users/', body: false },
    { name: 'patch', method: 'PATCH', url: (v) => `/v3/users/${vd(v)}/`, body: true },
    { name: 'update-status', method: 'PATCH', url: (v) => `/v3/users/${vd(v)}/update-status/`, body: true },
    { name: 'delete', method: 'POST', url: () => '/v3/users/delete/', body: true },
    { name: 'sessions', method: 'POST', url: (v) => `/v3/users/${vd(v)}/sessions/`, body: true },
    { name: 'faces', method: 'POST', url: () => `/v3/organization/${tenant.orgId}/application/${tenant.appId}/vendor-users/by-id/${userId}/faces/upload/`, body: true },
    { name: 'console list', method: 'GET', url: () => `/api/console/apps/${tenant.appId}/users`, body: false, console: true },
    { name: 'console user', method: 'GET', url: () => `/api/console/apps/${tenant.appId}/users/${userId}`, body: false, console: true },
    { name: 'console status', method: 'PATCH', url: () => `/api/console/apps/${tenant.appId}/users/${userId}/status`, body: true, console: true },
  ];
});
afterAll(async () => {
  await roster?.close();
});

type SendOptions = Pick<InjectOptions, 'payload' | 'headers'> & { url?: string };

function send(endpoint: Endpoint, options: SendOptions): Promise<LightMyRequestResponse> {
  const auth = endpoint.console ? tenant.operators.OWNER.auth : tenant.keyAuth;
  return roster.app.inject({ method: endpoint.method, url: options.url ?? endpoint.url(), payload: options.payload, headers: { ...auth, ...(options.headers as Record<string, string>) } });
}

function expectHandled(response: LightMyRequestResponse, label: string): void {
  expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  expect(response.statusCode, label).not.toBe(429);
  if (response.statusCode >= 400) {
    const body = response.json();
    expect(body, label).toEqual({ error: expect.objectContaining({ code: expect.stringMatching(/^[a-z][a-z0-9_]*$/), message: expect.any(String) }) });
  }
}

const fieldNames = ['vendor_data', 'display_name', 'full_name', 'date_of_birth', 'email', 'phone', 'country', 'status', 'tags', 'metadata', 'reason', 'session_id', 'completed_at', 'issuing_state', 'vendor_data_list', 'didit_internal_id_list', 'image', 'comment'];
const everyField = (value: unknown) => Object.fromEntries(fieldNames.map((field) => [field, value]));

const json = (text: string): SendOptions => ({ payload: text, headers: { 'content-type': 'application/json' } });

const hostileBodies: [string, SendOptions][] = [
  ['truncated JSON', json('{"vendor_data": "x"')],
  ['JSON with a trailing comma', json('{"vendor_data": "x",}')],
  ['JSON followed by garbage', json('{"vendor_data": "x"} trailing')],
  ['single-quoted JSON', json("{'vendor_data': 'x'}")],
  ['an empty body', json('')],
  ['a JSON array', json('[{"vendor_data": "x"}]')],
  ['a JSON string', json('"vendor_data"')],
  ['JSON null', json('null')],
  ['a JSON number', json('42')],
  ['JSON true', json('true')],
  ['__proto__ at the top', json('{"__proto__": {"polluted": true}, "vendor_data": "proto-1"}')],
  ['constructor.prototype at the top', json('{"constructor": {"prototype": {"polluted": true}}, "vendor_data": "proto-2"}')],
  ['__proto__ inside metadata', json('{"vendor_data": "proto-3", "metadata": {"__proto__": {"polluted": true}}}')],
  ['every field an object', { payload: everyField({ nested: { deeper: [1, 2] } }) }],
  ['every field an array', { payload: everyField([[], {}, null]) }],
  ['every field a number', { payload: everyField(1e308) }],
  ['every field true', { payload: everyField(true) }],
  ['every field null', { payload: everyField(null) }],
  ['every field an SQL-ish string', { payload: everyField("x'); DROP TABLE users; --") }],
  ['every field a huge string', { payload: everyField('x'.repeat(50_000)) }],
  ['every field one huge string near the 1 MB cap', { payload: { vendor_data: 'y'.repeat(1_000_000) } }],
  ['every field with a NUL character', { payload: everyField('nul\u0000byte') }],
  ['every field a lone surrogate', json(JSON.stringify(everyField('x')).replace(/"x"/g, '"\\ud800"'))],
  ['every field unicode', { payload: everyField('Zoë 👩🏽‍💻 مرحبا \u200b\u202e') }],
  ['metadata nested 10,000 deep', json(`{"vendor_data": "deep", "metadata": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`)],
  ['metadata with a NUL key', json('{"vendor_data": "nul-key", "metadata": {"a\\u0000b": 1}}')],
  ['metadata with 50,000 keys', { payload: { vendor_data: 'many-keys', metadata: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])) } }],
  ['tags with 10,000 entries', { payload: { vendor_data: 'many-tags', tags: Array.from({ length: 10_000 }, (_, i) => `t${i}`) } }],
  ['a body over the 1 MB cap', { payload: { vendor_data: 'z'.repeat(1_100_000) } }],
  ['a body over the 3 MB cap', { payload: { image: 'A'.repeat(3_200_000) } }],
  ['no content-type', { payload: '{"vendor_data": "no-type"}', headers: { 'content-type': '' } }],
  ['text/plain', { payload: '{"vendor_data": "plain"}', headers: { 'content-type': 'text/plain' } }],
  ['a made-up content-type', { payload: '{"vendor_data": "odd"}', headers: { 'content-type': 'application/x-nonsense' } }],
  ['two content-types', { payload: '{"vendor_data": "two-types"}', headers: { 'content-type': ['application/json', 'text/plain'] as unknown as string } }],
  ['JSON declared as latin1', { payload: '{"vendor_data": "latin"}', headers: { 'content-type': 'application/json; charset=latin1' } }],
  ['invalid UTF-8 bytes', { payload: Buffer.from([0x7b, 0x22, 0x76, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } }],
];

const hostilePathValues = ["'; DROP TABLE users; --", '%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(5000), '%E0%A4%A', '😀', ' ', '%20target%20'];

const hostileQueries = [
  "status=' OR 1=1 --",
  'page_size=-1',
  'page_size=1e3',
  'page_size=99999999999999999999',
  'cursor=%00',
  'cursor=' + 'A'.repeat(10_000),
  'search=%00',
  'search=' + 'x'.repeat(5000),
  'search=%25%25%5C',
  'tags=%00',
  'tags=' + 'a'.repeat(500),
  'country[]=FRA',
  'status[$ne]=ACTIVE',
  'created_after=2026-99-99',
  'created_after=0000-01-01',
  'created_before=9999-12-31T23:59:59Z',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
];

describe('hostile input never causes a 500', () => {
  it('survives hostile bodies on every endpoint that takes one', async () => {
    for (const endpoint of endpoints.filter((candidate) => candidate.body)) {
      for (const [label, options] of hostileBodies) {
        expectHandled(await send(endpoint, options), `${endpoint.name} / ${label}`);
      }
    }
  });

  it('caps JSON bodies at 1 MB with 413, and the faces endpoint at 3 MB', async () => {
    const create = endpoints.find((endpoint) => endpoint.name === 'create')!;
    const faces = endpoints.find((endpoint) => endpoint.name === 'faces')!;
    const overOneMb = await send(create, { payload: { vendor_data: 'z'.repeat(1_100_000) } });
    expect(overOneMb.statusCode).toBe(413);
    expect(overOneMb.json().error.code).toBe('body_too_large');
    const faceUnderThree = await send(faces, { payload: { image: tinyPng().toString('base64'), comment: 'c'.repeat(100), padding: 'p'.repeat(1_500_000) } });
    expect(faceUnderThree.statusCode).toBe(422);
    expect((await send(faces, { payload: { image: 'A'.repeat(3_200_000) } })).statusCode).toBe(413);
  });

  it('survives hostile path values', async () => {
    for (const endpoint of endpoints.filter((candidate) => candidate.url('x').includes('/x/'))) {
      for (const value of hostilePathValues) {
        const url = endpoint.url('PLACEHOLDER').replace('PLACEHOLDER', value);
        expectHandled(await send(endpoint, { url, payload: endpoint.body ? { status: 'ACTIVE', reason: 'r', session_id: 's', display_name: 'd' } : undefined }), `${endpoint.name} ${url.slice(0, 80)}`);
      }
    }
    const uuidPaths = [
      `/v3/organization/not-a-uuid/application/${tenant.appId}/vendor-users/by-id/${userId}/faces/upload/`,
      `/v3/organization/${tenant.orgId}/application/' OR 1=1/vendor-users/by-id/${userId}/faces/upload/`,
      `/v3/organization/${tenant.orgId}/application/${tenant.appId}/vendor-users/by-id/%00/faces/upload/`,
      `/v3/organization/${tenant.orgId}/application/${tenant.appId}/vendor-users/by-id/${'f'.repeat(4000)}/faces/upload/`,
      `/api/console/apps/%00/users`,
      `/api/console/apps/${tenant.appId}/users/${userId.toUpperCase()}x`,
      `/api/console/apps/${tenant.appId}/users/'%20OR%201=1`,
      `/api/console/apps/${tenant.appId}/users/${userId}%00/status`,
    ];
    for (const url of uuidPaths) {
      const endpoint = url.includes('/faces/') ? endpoints.find((e) => e.name === 'faces')! : url.endsWith('/status') ? endpoints.find((e) => e.name === 'console status')! : endpoints.find((e) => e.name === 'console user')!;
      const payload = endpoint.name === 'faces' ? { image: tinyPng().toString('base64') } : endpoint.body ? { status: 'ACTIVE', reason: 'r' } : undefined;
      const response = await send(endpoint, { url, payload });
      expectHandled(response, url.slice(0, 100));
      expect(response.statusCode, url).toBe(404);
    }
  });

  it('survives hostile query strings on both lists', async () => {
    for (const endpoint of endpoints.filter((candidate) => candidate.name.endsWith('list'))) {
      for (const query of hostileQueries) {
        expectHandled(await send(endpoint, { url: `${endpoint.url()}?${query}` }), `${endpoint.name} ?${query.slice(0, 60)}`);
      }
    }
  });

  it('leaves the data and the process intact afterwards', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const target = await roster.app.inject({ method: 'GET', url: '/v3/users/target/', headers: tenant.keyAuth });
    expect(target.json()).toMatchObject({ vendor_data: 'target', status: 'ACTIVE', metadata: {} });
    const stored = await roster.ctx.db.selectFrom('users').select(['vendor_data', 'metadata']).where('app_id', '=', tenant.appId).execute();
    for (const row of stored) expect(Object.getPrototypeOf(row.metadata)).toBe(Object.prototype);
  });
});
