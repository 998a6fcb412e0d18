import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { download, requestExportAs, seedUsers, waitForExport } from './exports.test-support.ts';
import { retentionJob, runRetention, STALLED_AFTER_MS } from './retention.job.ts';

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

describe('the retention sweep', () => {
  it('deletes an export file once its link has expired, and only then', async () => {
    const done = await completedExport();
    const expiresAt = new Date(done.expires_at!);
    expect(await roster.ctx.storage.stat(done.storageKey)).not.toBeNull();

    const early = await runRetention(roster.ctx, new Date(expiresAt.getTime() - 1000));
    expect(early.exportFilesDeleted).toBe(0);
    expect(await roster.ctx.storage.stat(done.storageKey)).not.toBeNull();

    const report = await runRetention(roster.ctx, new Date(expiresAt.getTime() + 1000));
    expect(report.exportFilesDeleted).toBeGreaterThanOrEqual(1);
    expect(await roster.ctx.storage.stat(done.storageKey)).toBeNull();

    const after = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${done.id}`, headers: owner() })).json();
    expect(after).toMatchObject({ status: 'expired', download_url: null, row_count: 2 });
    const [entry] = await auditFor(done.id, 'export.file_deleted');
    expect(entry).toMatchObject({ actor_type: 'system', actor_label: 'retention', app_id: tenant.appId });
  });

  it('answers 410 export_expired for a link to a deleted file', async () => {
    const done = await completedExport();
    // A sweep that runs as if the link had expired, while the link itself still works.
    await runRetention(roster.ctx, new Date(Date.parse(done.expires_at!) + 1000));
    const response = await download(roster, done.download_url!);
    expect(response.statusCode).toBe(410);
    expect(response.json().error.code).toBe('export_expired');
  });

  it('deletes import source files IMPORT_FILE_RETENTION_DAYS after the import finished', async () => {
    const day = 86_400_000;
    const now = new Date();
    const imports = [
      { name: 'old', finishedAt: new Date(now.getTime() - 31 * day), deleted: true },
      { name: 'recent', finishedAt: new Date(now.getTime() - 29 * day), deleted: false },
      { name: 'unfinished', finishedAt: null, deleted: false },
    ];
    const created = [];
    for (const item of imports) {
      const key = `imports/${tenant.appId}/${item.name}-${Date.now()}.csv`;
      await roster.ctx.storage.put(key, Buffer.from('vendor_data\nx\n'));
      const row = await roster.ctx.db
        .insertInto('imports')
        .values({ app_id: tenant.appId, file_name: `${item.name}.csv`, storage_key: key, status: item.finishedAt ? 'completed' : 'ready', created_by: tenant.operators.OWNER.id, finished_at: item.finishedAt })
        .returning('id')
        .executeTakeFirstOrThrow();
      created.push({ ...item, key, id: row.id });
    }
    const report = await runRetention(roster.ctx, now);
    expect(report.importFilesDeleted).toBe(1);
    for (const item of created) {
      const row = await roster.ctx.db.selectFrom('imports').select('file_deleted_at').where('id', '=', item.id).executeTakeFirstOrThrow();
      expect({ name: item.name, fileGone: (await roster.ctx.storage.stat(item.key)) === null, marked: row.file_deleted_at !== null }).toEqual({
        name: item.name,
        fileGone: item.deleted,
        marked: item.deleted,
      });
      expect((await auditFor(item.id, 'import.file_deleted')).length).toBe(item.deleted ? 1 : 0);
    }
    expect((await runRetention(roster.ctx, now)).importFilesDeleted).toBe(0);
  });

  it('fails an export whose worker stopped sending heartbeats, and audits it', async () => {
    const row = await roster.ctx.db
      .insertInto('exports')
      .values({ app_id: tenant.appId, columns: ['vendor_data'], created_by: tenant.operators.ADMIN.id, status: 'running', heartbeat_at: new Date(Date.now() - STALLED_AFTER_MS - 60_000) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const report = await runRetention(roster.ctx);
    expect(report.stalledExportsFailed).toBe(1);
    const after = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${row.id}`, headers: owner() })).json();
    expect(after.status).toBe('failed');
    expect(after.error).toMatch(/worker stopped/);
    expect(await auditFor(row.id, 'export.failed')).toHaveLength(1);
  });

  it('runs as a scheduled pg-boss job', async () => {
    expect(retentionJob.schedule).toBe('*/15 * * * *');
    const done = await completedExport();
    await roster.ctx.db.updateTable('exports').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', done.id).execute();
    await roster.ctx.jobs.send(retentionJob, {});
    const deadline = Date.now() + 20_000;
    let status = 'completed';
    while (status !== 'expired' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await roster.ctx.db.selectFrom('exports').select('status').where('id', '=', done.id).executeTakeFirstOrThrow()).status;
    }
    expect(status).toBe('expired');
  });
});
