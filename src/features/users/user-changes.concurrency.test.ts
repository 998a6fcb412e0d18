import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { csvText, previewOf, startAndFinish, templateHeader } from '../../../test/support/imports.ts';
import { type FeedChange, feedPage, ledgerChanges } from '../../../test/support/user-changes.ts';
import { usersApi } from '../../../test/support/users.ts';

/**
 * The feed's promise under concurrency (docs/change-feed.md): 8 writers at once (API creates and
 * patches, console edits, a bulk action, a 20,000-row import) while a consumer pages every 50 ms.
 * The consumer sees each change once, in strictly increasing seq, and ends with exactly the ledger's changes.
 */

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster({ ROSTER_IMPORT_CHUNK_ROWS: '2000', ROSTER_BULK_CHUNK_USERS: '50', RATE_LIMIT_WRITES_PER_MINUTE: '0', RATE_LIMIT_READS_PER_MINUTE: '0' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const IMPORT_ROWS = 20_000;

describe('the change feed under concurrent writers', () => {
  it('gives a consumer paging every 50 ms each change exactly once, in increasing seq, none missing', { timeout: 180_000 }, async () => {
    const api = usersApi(roster, tenant);
    const owner = tenant.operators.OWNER;
    // Users for the bulk action and the console edits to work on.
    for (let index = 0; index < 200; index++) await api.create({ vendor_data: `seed-${index}`, tags: [] });
    const header = [...templateHeader];
    const rows = Array.from({ length: IMPORT_ROWS }, (_, index) => [`imp-${index}`, `Imported ${index}`, '', '', '', '', '', '', '']);
    const ready = await previewOf(roster, tenant, csvText([header, ...rows]));

    let writing = true;
    const seen: FeedChange[] = [];
    const consumer = (async () => {
      let cursor = 0;
      for (;;) {
        const done = !writing;
        const page = await feedPage(roster, tenant, cursor, 1000);
        seen.push(...page.results);
        cursor = page.next_after;
        if (done && !page.has_more) return;
        if (!page.has_more) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const apiWriter = async (name: string) => {
      for (let index = 0; index < 40; index++) {
        expect((await api.create({ vendor_data: `${name}-${index}` })).statusCode).toBe(201);
        expect((await api.patch(`${name}-${index}`, { display_name: `patched ${index}` })).statusCode).toBe(200);
      }
    };
    const consoleWriter = async () => {
      const seeds = (await api.list('search=seed-&page_size=200')).json().results as { didit_internal_id: string }[];
      for (const [index, user] of seeds.slice(0, 60).entries()) {
        const response = await roster.app.inject({ method: 'PATCH', url: `/api/console/apps/${tenant.appId}/users/${user.didit_internal_id}`, headers: owner.auth, payload: { email: `console${index}@example.com` } });
        expect(response.statusCode).toBe(200);
      }
    };
    const bulkWriter = async () => {
      const response = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/users/bulk-actions`, headers: owner.auth, payload: { action: 'add_tag', filters: { search: 'seed-' }, tag: 'bulk' } });
      expect(response.statusCode).toBe(202);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const view = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/users/bulk-actions/${response.json().id}`, headers: owner.auth })).json();
        if (view.status === 'completed') return;
        if (view.status === 'failed' || Date.now() > deadline) throw new Error(`bulk action ${view.status}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const importWriter = () => startAndFinish(roster, tenant, ready.id, 150_000);

    await Promise.all([apiWriter('a'), apiWriter('b'), apiWriter('c'), apiWriter('d'), apiWriter('e'), consoleWriter(), bulkWriter(), importWriter()]);
    writing = false;
    await consumer;

    const seqs = seen.map((change) => change.seq);
    for (let index = 1; index < seqs.length; index++) expect(seqs[index]).toBeGreaterThan(seqs[index - 1]!);
    expect(new Set(seen.map((change) => change.event_id)).size).toBe(seen.length);
    // None missing: the consumer's changes are the ledger's, and the numbers have no gap.
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    const fromLedger = (await ledgerChanges(roster, tenant)).map(([type, id]) => `${type} ${id}`).sort();
    expect(seen.map((change) => `${change.type} ${change.didit_internal_id}`).sort()).toEqual(fromLedger);
    expect(seen.length).toBe(200 + 5 * 80 + 60 + 200 + IMPORT_ROWS);
  });
});
