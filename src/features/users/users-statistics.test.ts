import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { csvText, previewOf } from '../../../test/support/imports.ts';
import { countAppUsersUpTo, refreshUserStatisticsIfAppOutgrew, refreshUserStatisticsIfStale } from './users-statistics.ts';

let roster: TestRoster;
let tenant: TestTenant;
const USERS = 30_000;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  // This schema's own table: autovacuum must not analyze it behind the test's back (embedded server).
  await sql`ALTER TABLE users SET (autovacuum_enabled = false)`.execute(roster.ctx.db);
}, 120_000);
afterAll(async () => {
  await roster?.close();
});

async function loadUsers(prefix: string, appId = tenant.appId): Promise<void> {
  await sql`INSERT INTO users (app_id, vendor_data, email) SELECT ${appId}::uuid, ${prefix} || n, 'u' || n || '@example.com' FROM generate_series(1, ${USERS}::int) n`.execute(roster.ctx.db);
  // The statistics system counts the rows a moment after the transaction ends.
  for (let tries = 0; tries < 100; tries++) {
    const { rows } = await sql<{ n: number }>`SELECT n_mod_since_analyze::int AS n FROM pg_stat_user_tables WHERE relid = 'users'::regclass`.execute(roster.ctx.db);
    if ((rows[0]?.n ?? 0) >= USERS) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the statistics system never counted the inserted users');
}

async function lookupPlan(appId = tenant.appId): Promise<string> {
  const keys = Array.from({ length: 20 }, (_, i) => `new-${i}`);
  const { rows } = await roster.ctx.database.pool.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT vendor_data FROM users WHERE app_id = $1 AND vendor_data = ANY($2::text[])', [appId, keys]);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

const lastAnalyzed = async () =>
  (await sql<{ at: Date | null }>`SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relid = 'users'::regclass`.execute(roster.ctx.db)).rows[0]?.at ?? null;

describe('planner statistics on users after bulk writes', () => {
  it('are refreshed when 10% and 10,000 rows changed, so a batch lookup probes the unique index', async () => {
    await loadUsers('bulk-');
    expect(await refreshUserStatisticsIfStale(roster.ctx.db)).toBe(true);
    expect(await lookupPlan()).toContain('users_app_id_vendor_data_key');
    // Fresh now: nothing to do until the next bulk change.
    expect(await refreshUserStatisticsIfStale(roster.ctx.db)).toBe(false);
  });

  it("are refreshed by an import's preview before it looks its rows up", async () => {
    await loadUsers('more-');
    const before = await lastAnalyzed();
    const preview = await previewOf(roster, tenant, csvText([['vendor_data', 'email'], ['more-1', 'changed@example.com'], ['brand-new', 'new@example.com']]));
    expect(preview.status).toBe('ready');
    expect(preview.to_create).toBe(1);
    expect(preview.to_update).toBe(1);
    const after = await lastAnalyzed();
    expect(after).not.toBeNull();
    expect(after!.getTime()).toBeGreaterThan(before?.getTime() ?? 0);
  });

  it('are refreshed when an application outgrew them, which the 10% rule misses in a large table', async () => {
    // A new application beside an analyzed one: the planner believes it holds about one user.
    const newcomer = await createTestTenant(roster.ctx);
    await sql`ANALYZE users`.execute(roster.ctx.db);
    expect(await refreshUserStatisticsIfAppOutgrew(roster.ctx.db, newcomer.appId, 5_000)).toBe(true);
    expect(await refreshUserStatisticsIfAppOutgrew(roster.ctx.db, newcomer.appId, 500)).toBe(false); // small: any plan is cheap
    // An import run has created 30,000 of its users (under 10% of the table): its probes must still use the unique index.
    await loadUsers('run-', newcomer.appId);
    expect(await countAppUsersUpTo(roster.ctx.db, newcomer.appId)).toBe(USERS);
    expect(await countAppUsersUpTo(roster.ctx.db, newcomer.appId, 1_000)).toBe(1_000);
    expect(await refreshUserStatisticsIfAppOutgrew(roster.ctx.db, newcomer.appId, USERS)).toBe(true);
    expect(await lookupPlan(newcomer.appId)).toContain('users_app_id_vendor_data_key');
    expect(await refreshUserStatisticsIfAppOutgrew(roster.ctx.db, newcomer.appId, USERS)).toBe(false);
  });
});
