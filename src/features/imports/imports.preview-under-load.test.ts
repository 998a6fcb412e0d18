// A 100,000-row preview beside other imports and exports: it must not crawl (docs/imports.md, "Planner
// statistics"). While it runs, pg_stat_activity is sampled, so a failure says where the time went.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { requestExportAs, waitForExport } from '../../../test/support/exports.ts';
import { csvText, previewOf, startAndFinish, templateHeader, uploadCsv, waitForImport } from '../../../test/support/imports.ts';

let roster: TestRoster;
let tenant: TestTenant;
let neighbour: TestTenant;

const ROWS = 100_000;

function usersFile(prefix: string, rows: number, from = 1): string {
  const lines: string[][] = [templateHeader];
  for (let index = from; index < from + rows; index += 1) {
    lines.push([`${prefix}${index}`, `User ${index}`, '', `u${index}@example.com`, '', 'DEU', 'ACTIVE', 'a;b', '']);
  }
  return csvText(lines);
}

/** What the database was doing, every 500 ms, while `work` ran: the statements seen longest, for a failure message. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; slowest: string[] }> {
  const seen = new Map<string, number>();
  let running = true;
  const sampler = (async () => {
    while (running) {
      const { rows } = await sql<{ state: string; wait: string | null; query: string }>`
        SELECT state, wait_event_type || ':' || wait_event AS wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 120) AS query
          FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`.execute(roster.ctx.db);
      for (const row of rows) {
        const key = `${row.state} ${row.wait ?? '-'} ${row.query}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, slowest: [...seen].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([key, count]) => `${count * 0.5} s  ${key}`) };
  } finally {
    running = false;
    await sampler;
  }
}

/** The preview of `file`, waited for as long as a loaded CI machine may need (the ratio is what is asserted). */
async function slowPreview(file: string) {
  const upload = await uploadCsv(roster, tenant, file);
  return waitForImport(roster, tenant, upload.json().id, ['ready', 'failed', 'needs_mapping'], 300_000);
}

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  neighbour = await createTestTenant(roster.ctx);
  // Both applications already hold users, created after the planner last looked at the table.
  for (const app of [tenant.appId, neighbour.appId]) {
    await sql`INSERT INTO users (app_id, vendor_data, display_name, email)
              SELECT ${app}::uuid, 'old-' || g, 'Old ' || g, 'old' || g || '@example.com' FROM generate_series(1, 50000) g`.execute(roster.ctx.db);
  }
  // A few small imports first, as a team trying Roster does before its real file.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const small = await previewOf(roster, tenant, usersFile(`small${attempt}-`, 20));
    await startAndFinish(roster, tenant, small.id);
  }
}, 300_000);

afterAll(async () => {
  await roster?.close();
});

describe('a 100,000-row preview beside other imports and exports', () => {
  it('takes at most a few times as long as the same preview alone', async () => {
    const file = usersFile('big-', ROWS, 40_001);
    const alone = await sampled(() => slowPreview(file));
    expect(alone.result.status).toBe('ready');

    // Beside it: the neighbour imports 20,000 rows (preview and run) twice and exports its table twice.
    const neighbourWork = (async () => {
      for (let round = 0; round < 2; round += 1) {
        const upload = await uploadCsv(roster, neighbour, usersFile(`n${round}-`, 20_000, 30_000));
        const ready = await waitForImport(roster, neighbour, upload.json().id, ['ready'], 300_000);
        await startAndFinish(roster, neighbour, ready.id, 300_000);
      }
    })();
    const exports = Promise.all(
      [0, 1].map(async () => {
        const requested = await requestExportAs(roster, neighbour.operators.ADMIN.auth, neighbour.appId, {});
        return waitForExport(roster, neighbour.operators.ADMIN.auth, neighbour.appId, requested.json.id, 300_000);
      }),
    );
    const beside = await sampled(() => slowPreview(file));
    await Promise.all([neighbourWork, exports]);
    expect(beside.result.status).toBe('ready');
    expect(beside.result.total_rows).toBe(ROWS);
    // Two cores shared with the neighbour's work: a few times slower is fair, ten times is a crawl.
    const ratio = beside.seconds / Math.max(alone.seconds, 1);
    expect(ratio, `alone ${alone.seconds.toFixed(1)} s, beside ${beside.seconds.toFixed(1)} s; the database meanwhile:\n${beside.slowest.join('\n')}`).toBeLessThan(6);
  }, 600_000);

  it('first refreshes the planner statistics of an application that grew since they were taken', async () => {
    const grown = await createTestTenant(roster.ctx);
    await sql`ANALYZE users`.execute(roster.ctx.db);
    // Fewer new rows than the table-wide rule waits for, yet enough for a bad plan to scan them all per batch.
    await sql`INSERT INTO users (app_id, vendor_data) SELECT ${grown.appId}::uuid, 'grown-' || g FROM generate_series(1, 5000) g`.execute(roster.ctx.db);
    const estimate = async () => {
      const { rows } = await sql<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>`EXPLAIN (FORMAT JSON) SELECT 1 FROM users WHERE app_id = ${grown.appId}::uuid`.execute(roster.ctx.db);
      return rows[0]!['QUERY PLAN'][0]!.Plan['Plan Rows'];
    };
    expect(await estimate()).toBeLessThan(500);
    const preview = await previewOf(roster, grown, usersFile('grown-', 100));
    expect(preview.status).toBe('ready');
    expect(await estimate()).toBeGreaterThanOrEqual(500);
  }, 120_000);
});
