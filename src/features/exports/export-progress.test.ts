import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster, TestTenant } from '../../../test/harness.ts';
import { exportJobTestHooks } from './export.job.ts';
import { type ExportJsonForTest, requestExportAs, waitForExport, startRosterWithUsers } from '../../../test/support/exports.ts';

const ROWS = 30_000;

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  ({ roster, tenant } = await startRosterWithUsers('progress-', ROWS));
});

afterAll(async () => {
  delete exportJobTestHooks.onChunk;
  await roster?.close();
});

describe('an export in progress', () => {
  it('shows the rows written so far (PostgreSQL counts them), then the exact count when done', { timeout: 120_000 }, async () => {
    const owner = tenant.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, tenant.appId, {});
    const seen: (number | null)[] = [];
    exportJobTestHooks.onChunk = async ({ exportId, bytes }) => {
      if (exportId !== json.id || seen.length > 0 || bytes < 64 * 1024) return;
      // Paused part-way: the tracker (once a second) must report some rows but not all. The wait is long
      // because CI runs this beside every other test file on one loaded PostgreSQL.
      const deadline = Date.now() + 40_000;
      for (;;) {
        const view = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${exportId}`, headers: owner })).json() as ExportJsonForTest & { rows_written: number | null };
        if ((view.rows_written ?? 0) > 0) {
          seen.push(view.rows_written);
          return;
        }
        if (Date.now() > deadline) {
          // Say what PostgreSQL itself reported, so a failure here tells tracker from database apart.
          const { rows } = await roster.ctx.database.pool.query('SELECT pid, tuples_processed FROM pg_stat_progress_copy');
          seen.push(view.rows_written);
          console.error(`no rows_written after 40 s; view ${JSON.stringify(view)}; pg_stat_progress_copy ${JSON.stringify(rows)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const done = (await waitForExport(roster, owner, tenant.appId, json.id)) as ExportJsonForTest & { rows_written: number | null };
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[0]).toBeLessThan(ROWS);
    expect(done).toMatchObject({ status: 'completed', row_count: ROWS, rows_written: null });
  });
});
