import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { previewOf, startAndFinish } from '../../../test/support/imports.ts';

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

describe('the ledger of a 100,000-row import', () => {
  it('has one per-user entry per user created or changed, none for unchanged rows', { timeout: 240_000 }, async () => {
    const tenant = await createTestTenant(roster.ctx);
    const total = 100_000;
    // 80,000 existing users: a quarter of those rows change nothing; 20,000 rows create users.
    await roster.ctx.database.pool.query(
      `INSERT INTO users (app_id, vendor_data, email, tags, metadata)
       SELECT $1, 'scale-' || lpad(i::text, 6, '0'), 'old' || i || '@example.com', '{}', '{}' FROM generate_series(0, 79999) AS i`,
      [tenant.appId],
    );
    const unchanged = (i: number) => i < 80_000 && i % 4 === 0;
    let file = 'vendor_data,email,country\n';
    for (let i = 0; i < total; i++) file += `scale-${String(i).padStart(6, '0')},${unchanged(i) ? `old${i}` : `new${i}`}@example.com,${unchanged(i) ? '' : 'ESP'}\n`;
    const ready = await previewOf(roster, tenant, file);
    expect(ready).toMatchObject({ to_create: 20_000, to_update: 60_000, unchanged: 20_000, field_changes: { email: 60_000, country: 60_000 } });
    const done = await startAndFinish(roster, tenant, ready.id, 200_000);
    expect(done).toMatchObject({ created: 20_000, updated: 60_000, unchanged: 20_000 });

    const { rows } = await roster.ctx.database.pool.query<{ action: string; entries: number }>(
      `SELECT action, count(*)::int AS entries FROM audit_logs WHERE batch_id = $1 GROUP BY action ORDER BY action`,
      [ready.id],
    );
    expect(rows).toEqual([
      { action: 'user.created', entries: 20_000 },
      { action: 'user.updated', entries: 60_000 },
    ]);
    const sample = await roster.ctx.database.pool.query(`SELECT details FROM audit_logs WHERE batch_id = $1 AND details->>'vendor_data' = 'scale-000001'`, [ready.id]);
    expect(sample.rows[0].details.changes).toEqual({ email: { from: 'old1@example.com', to: 'new1@example.com' }, country: { from: null, to: 'ESP' } });
  });
});
