import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { createdUser, usersApi } from '../../../test/support/users.ts';

let roster: TestRoster;
let tenant: TestTenant;
let api: ReturnType<typeof usersApi>;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  api = usersApi(roster, tenant);
});
afterAll(async () => roster?.close());

describe('PATCH /v3/users/{vendor_data}/ with tags_mode and metadata_mode (issue 20)', () => {
  it('replaces by default, merges or removes when asked, and the audit entry shows the whole change', async () => {
    await createdUser(roster, tenant, { vendor_data: 'p-1', tags: ['pep', 'high-risk'], metadata: { notes: 'VIP', tier: 'gold' } });
    const merged = await api.send('PATCH', '/v3/users/p-1/?metadata_mode=merge&tags_mode=merge', { metadata: { risk_score: 80 }, tags: ['migrated-2026'] });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ metadata: { notes: 'VIP', tier: 'gold', risk_score: 80 }, tags: ['pep', 'high-risk', 'migrated-2026'] });

    const removed = await api.send('PATCH', '/v3/users/p-1/?tags_mode=remove', { tags: ['pep'] });
    expect(removed.json().tags).toEqual(['high-risk', 'migrated-2026']);

    const replaced = await api.patch('p-1', { metadata: { only: true } });
    expect(replaced.json().metadata).toEqual({ only: true });

    const bad = await api.send('PATCH', '/v3/users/p-1/?metadata_mode=append', { metadata: {} });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    expect(bad.body).toContain('metadata_mode');
  });
});
