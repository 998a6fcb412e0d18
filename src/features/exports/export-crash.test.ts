import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster, TestTenant } from '../../../test/harness.ts';
import { exportJobTestHooks } from './export.job.ts';
import { auditActions, download, parseExportCsv, requestExportAs, waitForExport, startRosterWithUsers } from '../../../test/support/exports.ts';

const ROWS = 30_000;

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  ({ roster, tenant } = await startRosterWithUsers('crash-', ROWS));
});

afterAll(async () => {
  await roster?.close();
});

afterEach(() => {
  delete exportJobTestHooks.onChunk;
});

describe('an export whose first attempt dies part-way through the file', () => {
  it('is never completed with half a file, and the retry completes with the exact row count', { timeout: 60_000 }, async () => {
    const owner = tenant.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, tenant.appId, {});
    const seen: { attempt: number; bytes: number; status: string }[] = [];
    exportJobTestHooks.onChunk = async ({ exportId, attempt, bytes }) => {
      if (exportId !== json.id) return;
      if (attempt === 0 && bytes > 256 * 1024) {
        const row = await roster.ctx.db.selectFrom('exports').select(['status', 'row_count', 'storage_key']).where('id', '=', exportId).executeTakeFirstOrThrow();
        seen.push({ attempt, bytes, status: row.status });
        throw new Error('worker killed mid-file');
      }
    };

    const done = await waitForExport(roster, owner, tenant.appId, json.id);
    expect(seen).toHaveLength(1);
    expect(seen[0].status).toBe('running');
    expect(done).toMatchObject({ status: 'completed', row_count: ROWS, error: null });

    const file = parseExportCsv((await download(roster, done.download_url!)).body);
    expect(file.rows).toHaveLength(ROWS);
    expect(new Set(file.rows.map((row) => row.vendor_data)).size).toBe(ROWS);
    expect(file.rows[0].vendor_data).toBe('crash-1');
    expect(file.rows[ROWS - 1].vendor_data).toBe(`crash-${ROWS}`);

    // Only the completed attempt's file and its manifest are left: the failed one removed its partial upload.
    const folder = path.join(roster.dataDir, 'files', 'exports', tenant.appId, json.id);
    expect(await readdir(folder)).toHaveLength(2);
    const record = await roster.ctx.db.selectFrom('exports').select(['attempts', 'storage_key', 'attempt_key']).where('id', '=', json.id).executeTakeFirstOrThrow();
    expect(record).toMatchObject({ attempts: 2, attempt_key: null });
    const actions = (await auditActions(roster.ctx, tenant.orgId, json.id)).map((entry) => entry.action);
    expect(actions).toEqual(['export.requested', 'export.completed', 'export.downloaded']);
  });

  it('reads every row from one snapshot, so rows written meanwhile do not change the file', { timeout: 60_000 }, async () => {
    const owner = tenant.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, tenant.appId, { columns: ['vendor_data'] });
    let inserted = false;
    exportJobTestHooks.onChunk = async ({ exportId, bytes }) => {
      if (exportId !== json.id || inserted || bytes < 64 * 1024) return;
      inserted = true;
      await sql`INSERT INTO users (app_id, vendor_data, created_at) VALUES (${tenant.appId}::uuid, 'late-arrival', timestamptz '2000-01-01')`.execute(roster.ctx.db);
      await sql`DELETE FROM users WHERE app_id = ${tenant.appId}::uuid AND vendor_data = ${`crash-${ROWS}`}`.execute(roster.ctx.db);
    };
    const done = await waitForExport(roster, owner, tenant.appId, json.id);
    expect(inserted).toBe(true);
    const file = parseExportCsv((await download(roster, done.download_url!)).body);
    expect(done.row_count).toBe(ROWS);
    expect(file.rows).toHaveLength(ROWS);
    expect(file.rows.map((row) => row.vendor_data)).not.toContain('late-arrival');
    expect(file.rows[ROWS - 1].vendor_data).toBe(`crash-${ROWS}`);
  });
});
