import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestRoster, TestTenant } from '../../../test/harness.ts';
import { exportJobTestHooks } from './export.job.ts';
import { MAX_PENDING_EXPORTS_PER_OPERATOR } from './exports.service.ts';
import { auditActions, requestExportAs, startRosterWithUsers, waitForExport } from '../../../test/support/exports.ts';

const ROWS = 30_000;

let roster: TestRoster;
let tenant: TestTenant;

// No worker until the last tests: every export requested before stays queued.
beforeAll(async () => {
  ({ roster, tenant } = await startRosterWithUsers('cancel-', ROWS, { worker: false }));
});

afterAll(async () => {
  await roster?.close();
});

afterEach(() => {
  delete exportJobTestHooks.onChunk;
});

const url = (exportId: string, action = '') => `/api/console/apps/${tenant.appId}/exports/${exportId}${action}`;
const cancel = (auth: Record<string, string>, exportId: string) => roster.app.inject({ method: 'POST', url: url(exportId, '/cancel'), headers: auth });

async function filesOf(exportId: string): Promise<string[]> {
  return readdir(path.join(roster.dataDir, 'files', 'exports', tenant.appId, exportId)).catch(() => []);
}

describe('the cap on pending exports per operator', () => {
  it(`answers 429 too_many_pending_exports past ${MAX_PENDING_EXPORTS_PER_OPERATOR} queued exports, and takes a request again once one is cancelled`, async () => {
    const reader = tenant.operators.READER.auth;
    const accepted: string[] = [];
    for (let i = 0; i < MAX_PENDING_EXPORTS_PER_OPERATOR; i++) {
      const { statusCode, json } = await requestExportAs(roster, reader, tenant.appId, {});
      expect(statusCode).toBe(202);
      accepted.push(json.id);
    }
    const refused = await requestExportAs(roster, reader, tenant.appId, {});
    expect(refused.statusCode).toBe(429);
    expect(refused.json.error.code).toBe('too_many_pending_exports');
    const exportsNow = await roster.ctx.db.selectFrom('exports').select('id').where('created_by', '=', tenant.operators.READER.id).execute();
    expect(exportsNow).toHaveLength(MAX_PENDING_EXPORTS_PER_OPERATOR);

    // The cap is per operator: another one in the same organization may still export.
    expect((await requestExportAs(roster, tenant.operators.DEVELOPER.auth, tenant.appId, {})).statusCode).toBe(202);

    expect((await cancel(reader, accepted[0]!)).statusCode).toBe(200);
    expect((await requestExportAs(roster, reader, tenant.appId, {})).statusCode).toBe(202);
  });
});

describe('cancelling an export', () => {
  it('cancels a queued export for its requester, audited, and the worker never writes it', async () => {
    const admin = tenant.operators.ADMIN.auth;
    const { json } = await requestExportAs(roster, admin, tenant.appId, { columns: ['vendor_data'] });
    // Someone else's export: a READER may not cancel it, the OWNER may.
    const byReader = await cancel(tenant.operators.READER.auth, json.id);
    expect(byReader.statusCode).toBe(403);
    expect(byReader.json().error.code).toBe('not_requester');

    const response = await cancel(admin, json.id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: json.id, status: 'cancelled', download_url: null });
    expect(response.json().finished_at).not.toBeNull();
    // Cancelling again changes nothing.
    expect((await cancel(admin, json.id)).json().status).toBe('cancelled');

    const [entry] = await roster.ctx.db.selectFrom('audit_logs').selectAll().where('target_id', '=', json.id).where('action', '=', 'export.cancelled').execute();
    expect(entry).toMatchObject({ actor_type: 'operator', actor_id: tenant.operators.ADMIN.id, outcome: 'success' });

    const byOwner = await requestExportAs(roster, admin, tenant.appId, { columns: ['vendor_data'] });
    expect((await cancel(tenant.operators.OWNER.auth, byOwner.json.id)).json().status).toBe('cancelled');

    // The worker takes the queued job, finds the export cancelled and leaves it so.
    await roster.startWorker();
    const later = await requestExportAs(roster, admin, tenant.appId, { columns: ['vendor_data'] });
    expect((await waitForExport(roster, admin, tenant.appId, later.json.id)).status).toBe('completed');
    const row = await roster.ctx.db.selectFrom('exports').select(['status', 'attempts']).where('id', '=', json.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'cancelled', attempts: 0 });
    expect(await filesOf(json.id)).toEqual([]);
  });

  it('stops a running export at its next chunk, deletes the partial file and never completes it', { timeout: 90_000 }, async () => {
    await roster.startWorker();
    const owner = tenant.operators.OWNER.auth;
    // How many chunks the whole file takes.
    const full = await requestExportAs(roster, owner, tenant.appId, {});
    let chunksOfWholeFile = 0;
    exportJobTestHooks.onChunk = ({ exportId }) => void (exportId === full.json.id && chunksOfWholeFile++);
    expect((await waitForExport(roster, owner, tenant.appId, full.json.id)).status).toBe('completed');

    const { json } = await requestExportAs(roster, owner, tenant.appId, {});
    let cancelled = false;
    let chunksAfterCancel = 0;
    exportJobTestHooks.onChunk = async ({ exportId }) => {
      if (exportId !== json.id) return;
      if (!cancelled) {
        // The first chunk asks for the cancel; each later one is slow, so the file is far from written when the heartbeat notices.
        cancelled = true;
        const response = await cancel(owner, json.id);
        expect(response.json().status).toBe('cancelled');
      } else chunksAfterCancel++;
      await new Promise((resolve) => setTimeout(resolve, cancelled ? 1000 : 0));
    };
    const done = await waitForExport(roster, owner, tenant.appId, json.id);
    expect(done).toMatchObject({ status: 'cancelled', row_count: null, download_url: null });
    // The attempt ends: its job finishes (not retried) and its partial file is deleted.
    const deadline = Date.now() + 60_000;
    while ((await filesOf(json.id)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await filesOf(json.id)).toEqual([]);
    const record = await roster.ctx.db.selectFrom('exports').select(['status', 'attempts', 'storage_key']).where('id', '=', json.id).executeTakeFirstOrThrow();
    expect(record).toEqual({ status: 'cancelled', attempts: 1, storage_key: null });
    const actions = (await auditActions(roster.ctx, tenant.orgId, json.id)).map((entry) => entry.action);
    expect(actions).toEqual(['export.requested', 'export.cancelled']);
    // It stopped at a checkpoint part-way, not at the end of the file.
    expect(chunksAfterCancel).toBeLessThan(chunksOfWholeFile - 1);
  });

  it('answers 409 export_finished for a completed export and 404 for an unknown one', async () => {
    const owner = tenant.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, tenant.appId, { columns: ['vendor_data'] });
    expect((await waitForExport(roster, owner, tenant.appId, json.id)).status).toBe('completed');
    const response = await cancel(owner, json.id);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('export_finished');
    expect((await cancel(owner, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
