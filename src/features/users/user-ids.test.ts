import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('new users get time-ordered ids (UUID version 7)', () => {
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
