import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { userFilterWhere } from './users.filters.ts';
import { errorOf } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;

// Enough users that the total is past the exact-count limit (10,000).
const MANY = 10_200;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
  await sql`
    INSERT INTO users (app_id, vendor_data, display_name, email, status, tags)
    SELECT ${tenant.appId}::uuid, 'count-' || n, CASE WHEN n % 1000 = 0 THEN 'Zoë Okafor' ELSE 'User ' || n END,
           'user' || n || '@example.com', CASE WHEN n % 201 = 0 OR n = 2000 THEN 'FLAGGED' ELSE 'ACTIVE' END, CASE WHEN n <= 3 THEN ARRAY['vip'] ELSE '{}' END
      FROM generate_series(1, ${MANY}::int) AS n`.execute(roster.ctx.db);
  await sql`INSERT INTO users (app_id, vendor_data, display_name) VALUES (${outsider.appId}::uuid, 'outsider-1', 'Zoë Okafor'), (${outsider.appId}::uuid, '100%_sure', 'Pat')`.execute(roster.ctx.db);
  await sql`VACUUM ANALYZE users`.execute(roster.ctx.db);
});
afterAll(async () => {
  await roster?.close();
});

const count = (query: string, who: TestTenant = tenant, role: keyof TestTenant['operators'] = 'OWNER', appId = tenant.appId) =>
  roster.app.inject({ method: 'GET', url: `/api/console/apps/${appId}/users/count${query}`, headers: who.operators[role].auth });

describe('console users count', () => {
  it('counts exactly up to 10,000 matches, with the users list filters', async () => {
    expect((await count('?status=FLAGGED')).json()).toEqual({ count: 51, exact: true });
    expect((await count('?tags=vip')).json()).toEqual({ count: 3, exact: true });
    expect((await count('?search=okafor')).json()).toEqual({ count: 10, exact: true });
    expect((await count('?search=OKAFOR&status=ACTIVE')).json()).toEqual({ count: 9, exact: true });
    expect((await count('?search=count-10050')).json()).toEqual({ count: 1, exact: true });
    expect((await count('?search=nobody-has-this')).json()).toEqual({ count: 0, exact: true });
  });

  it('estimates beyond 10,000, never below what it counted', async () => {
    const { count: total, exact } = (await count('')).json();
    expect(exact).toBe(false);
    expect(total).toBeGreaterThan(10_000);
    expect(Math.abs(total - MANY)).toBeLessThan(MANY * 0.2);
    const active = (await count('?status=ACTIVE')).json();
    expect(active.exact).toBe(false);
    expect(active.count).toBeGreaterThan(10_000);
  });

  it('answers every role that may read users, and keeps applications apart', async () => {
    for (const role of ['ADMIN', 'COMPLIANCE_OFFICER'] as const) {
      expect((await count('?search=okafor', tenant, role)).json()).toEqual({ count: 10, exact: true });
    }
    // Roles that may not read names search vendor_data alone (docs/roles.md): a name finds no one.
    for (const role of ['DEVELOPER', 'READER'] as const) {
      expect((await count('?search=okafor', tenant, role)).json()).toEqual({ count: 0, exact: true });
    }
    // The same search in the other organization's application sees only its own users.
    expect((await count('?search=okafor', outsider, 'OWNER', outsider.appId)).json()).toEqual({ count: 1, exact: true });
    // LIKE's wildcards are literal characters in a search.
    expect((await count('?search=0%25_', outsider, 'OWNER', outsider.appId)).json()).toEqual({ count: 1, exact: true });
    expect((await count('?search=0%25_', tenant)).json()).toEqual({ count: 0, exact: true });
    expect((await count('', outsider)).statusCode).toBe(404);
    expect((await count('', tenant, 'OWNER', 'not-an-app')).statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users/count` })).statusCode).toBe(401);
    expect((await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users/count`, headers: tenant.keyAuth })).statusCode).toBe(401);
  });

  it('refuses a bad filter with a 400 and a stable code', async () => {
    const response = await count('?status=GONE');
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe('invalid_parameter');
  });
});

describe('users search at scale (issue #11: a sequential scan at 1,000,000 users)', () => {
  it('is answered from the trigram index, not by reading every user', async () => {
    const query = roster.ctx.db.selectFrom('users').selectAll().where(userFilterWhere(tenant.appId, { search: 'okafor' })).compile();
    const plan = await roster.ctx.db.connection().execute(async (connection) => {
      // On a table this small a scan is cheapest; the question is whether the index can serve the search at all.
      await connection.executeQuery(CompiledQuery.raw('SET enable_seqscan = off'));
      try {
        const result = await connection.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]));
        return result.rows.map((row) => row['QUERY PLAN']).join('\n');
      } finally {
        await connection.executeQuery(CompiledQuery.raw('RESET enable_seqscan'));
      }
    });
    expect(plan).toContain('users_search_trgm_idx');
  });
});
