import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { csvText, getImportView, importsUrl, previewOf, startAndFinish } from '../../../test/support/imports.ts';
import { sweepOperations } from '../../platform/operations/index.ts';
import { importUpkeep, sweepExpiredImports } from './import-upkeep.ts';

let roster: TestRoster;
beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

const file = csvText([['vendor_data', 'email'], ['s-1', 'ok@example.com'], ['s-2', 'broken']]);

describe('import upkeep', () => {
  it('deletes the file and staged rows of imports past retention, keeping the import in the history', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const finished = await previewOf(roster, tenant, file);
    await startAndFinish(roster, tenant, finished.id);
    const unstarted = await previewOf(roster, tenant, file);
    const { storage_key: key } = await roster.ctx.db.selectFrom('imports').select('storage_key').where('id', '=', finished.id).executeTakeFirstOrThrow();
    expect(await roster.ctx.storage.stat(key)).not.toBeNull();

    // Nothing is old enough yet.
    expect(await sweepExpiredImports(roster.ctx, new Date(Date.now() - 86_400_000))).toBe(0);
    expect(await sweepExpiredImports(roster.ctx, new Date(Date.now() + 1_000))).toBeGreaterThanOrEqual(2);

    expect(await roster.ctx.storage.stat(key)).toBeNull();
    const rows = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, `/${finished.id}/rows`), headers: tenant.operators.ADMIN.auth });
    expect(rows.statusCode).toBe(410);
    expect(rows.json().error.code).toBe('rows_expired');
    expect(await getImportView(roster, tenant, finished.id)).toMatchObject({ status: 'completed', created: 1, skipped: 1 });
    expect(await getImportView(roster, tenant, unstarted.id)).toMatchObject({ status: 'failed', error: { code: 'preview_expired' } });
  });

  it('marks an import whose worker went silent as failed, with an audit entry', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, file);
    // As if its run job had been lost hours ago.
    await roster.ctx.db.updateTable('imports').set({ status: 'running', started_at: new Date(), heartbeat_at: new Date(Date.now() - 4 * 3600_000) }).where('id', '=', ready.id).execute();
    expect((await sweepOperations(roster.ctx, [importUpkeep])).failed.import).toBeGreaterThanOrEqual(1);
    expect(await getImportView(roster, tenant, ready.id)).toMatchObject({ status: 'failed', error: { code: 'run_failed' }, failed: 2 });
    const audit = await roster.ctx.db.selectFrom('audit_logs').select(['action', 'actor_type']).where('target_id', '=', ready.id).orderBy('id').execute();
    expect(audit.at(-1)).toEqual({ action: 'import.failed', actor_type: 'system' });
  });
});
