import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { download, requestExportAs, seedUsers, waitForExport } from '../../../test/support/exports.ts';
import { operationsSweep, operationUpkeeps } from '../index.ts';
import { sweepOperations, WORKING_SILENT_MS } from '../../platform/operations/index.ts';

const runSweep = (now?: Date) => sweepOperations(roster.ctx, operationUpkeeps, now);

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster({ EXPORT_LINK_TTL: '1h', IMPORT_FILE_RETENTION_DAYS: '30' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  await seedUsers(roster.ctx, tenant.appId, [{ vendor_data: 'r-1' }, { vendor_data: 'r-2' }]);
});

afterAll(async () => {
  await roster?.close();
});

const owner = () => tenant.operators.OWNER.auth;

async function completedExport() {
  const { json } = await requestExportAs(roster, owner(), tenant.appId, { columns: ['vendor_data'] });
  const done = await waitForExport(roster, owner(), tenant.appId, json.id);
  expect(done.status).toBe('completed');
  const row = await roster.ctx.db.selectFrom('exports').select(['storage_key']).where('id', '=', json.id).executeTakeFirstOrThrow();
  return { ...done, storageKey: row.storage_key! };
}

async function auditFor(targetId: string, action: string) {
  return roster.ctx.db.selectFrom('audit_logs').selectAll().where('target_id', '=', targetId).where('action', '=', action).execute();
}

describe('the operations sweep, for exports', () => {
  it('deletes an export file once its link has expired, and only then', async () => {
    const done = await completedExport();
    const expiresAt = new Date(done.expires_at!);
    expect(await roster.ctx.storage.stat(done.storageKey)).not.toBeNull();

    const early = await runSweep(new Date(expiresAt.getTime() - 1000));
    expect(early.filesDeleted.export).toBe(0);
    expect(await roster.ctx.storage.stat(done.storageKey)).not.toBeNull();

    const report = await runSweep(new Date(expiresAt.getTime() + 1000));
    expect(report.filesDeleted.export).toBeGreaterThanOrEqual(1);
    expect(await roster.ctx.storage.stat(done.storageKey)).toBeNull();

    const after = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${done.id}`, headers: owner() })).json();
    expect(after).toMatchObject({ status: 'expired', download_url: null, row_count: 2 });
    const [entry] = await auditFor(done.id, 'export.file_deleted');
    expect(entry).toMatchObject({ actor_type: 'system', actor_label: 'retention', app_id: tenant.appId });
  });

  it('answers 410 export_expired for a link to a deleted file', async () => {
    const done = await completedExport();
    // A sweep that runs as if the link had expired, while the link itself still works.
    await runSweep(new Date(Date.parse(done.expires_at!) + 1000));
    const response = await download(roster, done.download_url!);
    expect(response.statusCode).toBe(410);
    expect(response.json().error.code).toBe('export_expired');
  });

  it('fails an export whose worker stopped sending heartbeats, and audits it', async () => {
    const row = await roster.ctx.db
      .insertInto('exports')
      .values({ app_id: tenant.appId, columns: ['vendor_data'], created_by: tenant.operators.ADMIN.id, status: 'running', heartbeat_at: new Date(Date.now() - WORKING_SILENT_MS - 60_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const report = await runSweep();
    expect(report.failed.export).toBe(1);
    const after = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${row.id}`, headers: owner() })).json();
    expect(after.status).toBe('failed');
    expect(after.error).toMatch(/worker stopped/);
    expect(await auditFor(row.id, 'export.failed')).toHaveLength(1);
  });

  it('runs as a scheduled pg-boss job', async () => {
    expect(operationsSweep.schedule).toBe('*/5 * * * *');
    const done = await completedExport();
    await roster.ctx.db.updateTable('exports').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', done.id).execute();
    await roster.ctx.jobs.send(operationsSweep, {});
    const deadline = Date.now() + 20_000;
    let status = 'completed';
    while (status !== 'expired' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await roster.ctx.db.selectFrom('exports').select('status').where('id', '=', done.id).executeTakeFirstOrThrow()).status;
    }
    expect(status).toBe('expired');
  });
});
