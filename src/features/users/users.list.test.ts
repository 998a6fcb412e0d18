import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { userCursor } from './user-cursor.ts';
import { createdUser, errorOf, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let api: ReturnType<typeof usersApi>;

type Listed = { results: { vendor_data: string; didit_internal_id: string; created_at: string }[]; next: string | null };

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  api = usersApi(roster, tenant);
  const people = [
    { vendor_data: 'f-ana', display_name: 'Ana', email: 'ana@shop.example', country: 'ESP', status: 'ACTIVE', tags: ['vip'] },
    { vendor_data: 'f-bo', full_name: 'Bo Berg', country: 'SWE', status: 'FLAGGED', tags: ['kyc'] },
    { vendor_data: 'f-cy', display_name: 'Cy 100%_done', country: 'FRA', status: 'BLOCKED', tags: ['vip', 'kyc'] },
    { vendor_data: 'f-dee', email: 'DEE@Mail.example', country: 'FRA', status: 'ACTIVE' },
  ];
  for (const person of people) await createdUser(roster, tenant, person);
});
afterAll(async () => {
  await roster?.close();
});

const names = (response: { json(): unknown }) => (response.json() as Listed).results.map((user) => user.vendor_data);

describe('GET /v3/users/ filters', () => {
  it('lists every user newest first by default, with next null on the last page', async () => {
    const response = await api.list();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ results: expect.any(Array), next: null });
    expect(names(response)).toEqual(['f-dee', 'f-cy', 'f-bo', 'f-ana']);
    expect((await api.send('GET', '/v3/users')).statusCode).toBe(200);
  });

  it('matches any of repeated status, country and tags values', async () => {
    expect(names(await api.list('status=FLAGGED&status=blocked'))).toEqual(['f-cy', 'f-bo']);
    expect(names(await api.list('country=fra'))).toEqual(['f-dee', 'f-cy']);
    expect(names(await api.list('tags=kyc'))).toEqual(['f-cy', 'f-bo']);
    expect(names(await api.list('tags=vip&tags=kyc&country=ESP'))).toEqual(['f-ana']);
  });

  it('searches vendor_data, display_name, full_name and email case-insensitively, with % and _ taken literally', async () => {
    expect(names(await api.list('search=BERG'))).toEqual(['f-bo']);
    expect(names(await api.list('search=mail.EXAMPLE'))).toEqual(['f-dee']);
    expect(names(await api.list('search=f-an'))).toEqual(['f-ana']);
    expect(names(await api.list(`search=${encodeURIComponent('100%_')}`))).toEqual(['f-cy']);
    expect(names(await api.list('search=%25'))).toEqual(['f-cy']);
  });

  it('filters on created_after and created_before', async () => {
    const all = (await api.list()).json() as Listed;
    const middle = all.results[1].created_at;
    expect(names(await api.list(`created_after=${encodeURIComponent(middle)}`))).toEqual(['f-dee', 'f-cy']);
    expect(names(await api.list(`created_before=${encodeURIComponent(middle)}`))).toEqual(['f-bo', 'f-ana']);
    expect(names(await api.list('created_after=2999-01-01'))).toEqual([]);
  });

  it('answers 400 invalid_parameter for a bad filter or page size', async () => {
    for (const query of ['page_size=0', 'page_size=201', 'page_size=abc', 'page_size=1.5', 'status=GONE', 'country=FR', 'created_after=yesterday', 'page_size=1&page_size=2']) {
      const response = await api.list(query);
      expect(response.statusCode, query).toBe(400);
      expect(errorOf(response).code, query).toBe('invalid_parameter');
    }
  });
});

describe('GET /v3/users/ paging', () => {
  it('walks every user exactly once with page_size and cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await api.list(`page_size=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = response.json() as Listed;
      expect(page.results.length).toBeLessThanOrEqual(3);
      seen.push(...page.results.map((user) => user.vendor_data));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(['f-dee', 'f-cy', 'f-bo', 'f-ana']);
  });

  it('neither skips nor repeats a row while users are created between pages, even within one microsecond', async () => {
    const pager = await createTestTenant(roster.ctx);
    const pagerApi = usersApi(roster, pager);
    // Ties on created_at are the hard case for keyset paging: 30 users share one instant.
    await sql`INSERT INTO users (app_id, vendor_data, created_at)
              SELECT ${pager.appId}::uuid, 'tie-' || n, timestamptz '2026-01-01 00:00:00.123456+00' FROM generate_series(1, 30) AS n`.execute(roster.ctx.db);
    for (let n = 0; n < 25; n++) await createdUser(roster, pager, { vendor_data: `seq-${n}` });
    const before = new Set(((await pagerApi.list('page_size=200')).json() as Listed).results.map((user) => user.vendor_data));
    expect(before.size).toBe(55);

    const seen: string[] = [];
    let cursor: string | null = null;
    let inserted = 0;
    do {
      const page = (await pagerApi.list(`page_size=7${cursor ? `&cursor=${cursor}` : ''}`)).json() as Listed;
      seen.push(...page.results.map((user) => user.vendor_data));
      cursor = page.next;
      await createdUser(roster, pager, { vendor_data: `during-${inserted++}` });
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((name) => before.has(name)).sort()).toEqual([...before].sort());
    // Rows created while paging are newer than every cursor, so they belong to a fresh first page.
    expect(seen.some((name) => name.startsWith('during-'))).toBe(false);
  });

  it('answers 400 invalid_cursor for a cursor it did not issue', async () => {
    const forged = [
      'garbage!',
      'bm90IGpzb24',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('["2026-02-30T00:00:00.000000Z","00000000-0000-0000-0000-000000000000"]').toString('base64url'),
      Buffer.from('["0000-01-01T00:00:00.000000Z","00000000-0000-0000-0000-000000000000"]').toString('base64url'),
      userCursor.encode({ createdAt: '2026-01-01T00:00:00.000000Z', id: "x' OR 1=1 --" }),
      'A'.repeat(5000),
    ];
    for (const cursor of forged) {
      const response = await api.list(`cursor=${encodeURIComponent(cursor)}`);
      expect(response.statusCode, cursor).toBe(400);
      expect(errorOf(response).code, cursor).toBe('invalid_cursor');
    }
  });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('new users get time-ordered ids (UUID version 7)', () => {
  // A tenant of their own: the list tests above count their users.
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTestTenant(roster.ctx);
  });

  it('created one after another through the API, their ids sort in creation order and carry the time they were made', async () => {
    const ids: string[] = [];
    const before = Date.now();
    for (let i = 0; i < 5; i++) {
      ids.push((await createdUser(roster, tenant, { vendor_data: `ordered-${i}` })).didit_internal_id);
      await pause(3);
    }
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // The first 48 bits: milliseconds since 1970, from the database's clock (same machine as this one).
      const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before - 1_000);
      expect(ms).toBeLessThanOrEqual(after + 1_000);
    }
    expect([...ids].sort()).toEqual(ids);
  });

  it('a bulk insert (as an import chunk does) gives distinct version 7 ids, never going back in time', async () => {
    const { rows } = await sql<{ didit_internal_id: string }>`
      INSERT INTO users (app_id, vendor_data) SELECT ${tenant.appId}::uuid, 'bulk-' || n FROM generate_series(1, 2000) AS n
      RETURNING didit_internal_id`.execute(roster.ctx.db);
    expect(new Set(rows.map((row) => row.didit_internal_id)).size).toBe(2000);
    const times = rows.map((row) => parseInt(row.didit_internal_id.replace(/-/g, '').slice(0, 12), 16));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(rows.every((row) => row.didit_internal_id[14] === '7')).toBe(true);
  });
});
