import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let outsider: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  outsider = await createTestTenant(roster.ctx);
  const countries = ['ESP', 'ESP', 'ESP', 'FRA', 'FRA', 'DEU', 'ITA', 'PRT', 'NLD', 'BEL', 'AUT', 'POL', 'SWE', null];
  for (const [index, country] of countries.entries()) await createdUser(roster, tenant, { vendor_data: `o-${index}`, country, status: index < 2 ? 'FLAGGED' : 'ACTIVE' });
  // Two users created 3 days ago, one 40 days ago (outside the 30-day chart).
  await roster.ctx.database.pool.query(`UPDATE ${roster.schema}.users SET created_at = now() - interval '3 days' WHERE vendor_data IN ('o-0', 'o-1')`);
  await roster.ctx.database.pool.query(`UPDATE ${roster.schema}.users SET created_at = now() - interval '40 days' WHERE vendor_data = 'o-2'`);
  await createdUser(roster, outsider, { vendor_data: 'elsewhere', country: 'JPN' });
});
afterAll(async () => {
  await roster?.close();
});

const overview = (role: keyof TestTenant['operators'], who: TestTenant = tenant, appId = tenant.appId) =>
  roster.app.inject({ method: 'GET', url: `/api/console/apps/${appId}/overview`, headers: who.operators[role].auth });

describe('the overview stats', () => {
  it('counts users by status, by country (top eight, other, none) and per day over 30 days', async () => {
    const response = await overview('OWNER');
    expect(response.statusCode).toBe(200);
    const { users } = response.json();
    expect(users.total).toEqual({ count: 14, exact: true });
    expect(users.by_status).toEqual([
      { status: 'ACTIVE', count: 12 },
      { status: 'FLAGGED', count: 2 },
    ]);
    expect(users.by_country.slice(0, 2)).toEqual([
      { country: 'ESP', count: 3 },
      { country: 'FRA', count: 2 },
    ]);
    expect(users.by_country).toHaveLength(10);
    expect(users.by_country.at(-2)).toEqual({ country: 'other', count: 2 });
    expect(users.by_country.at(-1)).toEqual({ country: null, count: 1 });
    expect(users.created_per_day).toHaveLength(30);
    expect(users.created_per_day.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), count: 11 });
    expect(users.created_per_day.at(-4).count).toBe(2);
    expect(users.created_per_day.reduce((sum: number, day: { count: number }) => sum + day.count, 0)).toBe(13);
  });

  it('lists recent imports for import roles only, recent exports for everyone', async () => {
    expect((await overview('COMPLIANCE_OFFICER')).json().recent_imports).toEqual([]);
    const reader = (await overview('READER')).json();
    expect(reader.recent_imports).toBeNull();
    expect(reader.recent_exports).toEqual([]);
  });

  it("refuses another organization's application", async () => {
    expect((await overview('OWNER', outsider)).statusCode).toBe(404);
  });
});
