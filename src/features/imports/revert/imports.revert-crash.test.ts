import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import { csvText, getImportView, importsUrl, previewOf, waitForImport } from '../../../../test/support/imports.ts';
import { sameRosterEnv, spawnRoster } from '../../../../test/support/roster-process.ts';

const chunkRows = 100;
let roster: TestRoster;
const workers: ChildProcess[] = [];

// No in-process worker: the run and the revert happen in real `roster worker` processes this test kills.
beforeAll(async () => {
  roster = await startTestRoster({ ROSTER_IMPORT_CHUNK_ROWS: String(chunkRows) });
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await roster?.close();
});

async function startWorkerProcess(): Promise<ChildProcess> {
  const worker = await spawnRoster('worker', sameRosterEnv(roster, { ROSTER_IMPORT_CHUNK_ROWS: String(chunkRows) }));
  workers.push(worker.child);
  return worker.child;
}

describe('a worker killed in the middle of a revert', () => {
  it('resumes in another worker from the last committed chunk: exact counts, no user restored, deleted or audited twice', { timeout: 240_000 }, async () => {
    const tenant = await createTestTenant(roster.ctx);
    const total = 12_000;
    const ids = Array.from({ length: total }, (_, i) => `rv-${String(i).padStart(5, '0')}`);
    const existing = ids.filter((_, i) => i % 2 === 0);
    await roster.ctx.db
      .insertInto('users')
      .values(existing.map((vendor_data) => ({ app_id: tenant.appId, vendor_data, display_name: 'Before', tags: [], metadata: '{}' })))
      .execute();
    const file = csvText([['vendor_data', 'display_name'], ...ids.map((id) => [id, 'After'])]);

    const first = await startWorkerProcess();
    const ready = await previewOf(roster, tenant, file);
    expect((await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.ADMIN.auth })).statusCode).toBe(202);
    expect(await waitForImport(roster, tenant, ready.id, ['completed'], 120_000)).toMatchObject({ created: total / 2, updated: total / 2 });

    expect((await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/revert`), headers: tenant.operators.ADMIN.auth })).statusCode).toBe(202);
    let cursor = 0;
    while (cursor === 0) {
      const row = await roster.ctx.db.selectFrom('imports').select('revert_cursor').where('id', '=', ready.id).executeTakeFirstOrThrow();
      cursor = Number(row.revert_cursor);
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await getImportView(roster, tenant, ready.id);
    expect(atKill.revert_status).toBe('running');
    expect(atKill.reverted + atKill.deleted).toBeGreaterThan(0);
    expect(atKill.reverted + atKill.deleted).toBeLessThan(total);

    await startWorkerProcess();
    const deadline = Date.now() + 180_000;
    let view = atKill;
    while (view.revert_status !== 'completed') {
      if (view.revert_status === 'failed' || Date.now() > deadline) throw new Error(`revert ${view.revert_status}: ${JSON.stringify(view.revert_error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = await getImportView(roster, tenant, ready.id);
    }
    expect(view).toMatchObject({ reverted: total / 2, deleted: total / 2, conflicts: 0 });

    const users = await roster.ctx.db.selectFrom('users').select(['vendor_data', 'display_name']).where('app_id', '=', tenant.appId).execute();
    expect(users).toHaveLength(existing.length);
    expect(users.every((user) => user.display_name === 'Before')).toBe(true);
    const entries = await roster.ctx.db
      .selectFrom('audit_logs')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('batch_id', '=', ready.id)
      .where((eb) => eb.fn('jsonb_exists', ['details', eb.val('revert_of')]))
      .executeTakeFirstOrThrow();
    expect(Number(entries.count)).toBe(total);
  });
});
