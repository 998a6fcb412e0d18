import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { csvText, importsUrl, previewOf, usersOf, waitForImport } from '../../../test/support/imports.ts';
import { sameRosterEnv, spawnRoster } from '../../../test/support/roster-process.ts';

const chunkRows = 100;
let roster: TestRoster;
const workers: ChildProcess[] = [];

// No in-process worker here: every job runs in a real `roster worker` process this test can kill.
beforeAll(async () => {
  roster = await startTestRoster({ ROSTER_IMPORT_CHUNK_ROWS: String(chunkRows) });
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await roster?.close();
});

/** Starts `node bin/roster.js worker` on the test's schema and data folder; resolves once it works its queues. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const worker = await spawnRoster('worker', sameRosterEnv(roster, { ROSTER_IMPORT_CHUNK_ROWS: String(chunkRows) }));
  workers.push(worker.child);
  return worker.child;
}

describe('a worker killed in the middle of a run', () => {
  it('resumes in another worker from the last committed chunk: exact counts, no row lost or applied twice', { timeout: 180_000 }, async () => {
    const tenant = await createTestTenant(roster.ctx);
    const total = 12_000;
    const ids = Array.from({ length: total }, (_, i) => `crash-${String(i).padStart(5, '0')}`);
    // A third of the users exist; one row in a hundred is invalid.
    const existing = ids.filter((_, i) => i % 3 === 0);
    await roster.ctx.db
      .insertInto('users')
      .values(existing.map((vendor_data) => ({ app_id: tenant.appId, vendor_data, display_name: 'Before', tags: [], metadata: '{}' })))
      .execute();
    const invalid = (i: number) => i % 100 === 7;
    const file = csvText([['vendor_data', 'display_name', 'email'], ...ids.map((id, i) => [id, `After ${i}`, invalid(i) ? 'not-an-email' : `${id}@example.com`])]);
    const expected = {
      skipped: ids.filter((_, i) => invalid(i)).length,
      updated: ids.filter((_, i) => i % 3 === 0 && !invalid(i)).length,
      created: ids.filter((_, i) => i % 3 !== 0 && !invalid(i)).length,
    };

    const first = await startWorkerProcess();
    const ready = await previewOf(roster, tenant, file);
    expect(ready).toMatchObject({ total_rows: total, to_create: expected.created, to_update: expected.updated, invalid_rows: expected.skipped });
    const start = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, `/${ready.id}/start`), headers: tenant.operators.ADMIN.auth });
    expect(start.statusCode).toBe(202);

    let progress = 0;
    while (progress === 0) {
      const row = await roster.ctx.db.selectFrom('imports').select('processed_rows').where('id', '=', ready.id).executeTakeFirstOrThrow();
      progress = row.processed_rows;
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await roster.ctx.db.selectFrom('imports').select(['processed_rows', 'cursor_row', 'status']).where('id', '=', ready.id).executeTakeFirstOrThrow();
    expect(atKill.status).toBe('running');
    expect(atKill.processed_rows).toBeGreaterThan(0);
    expect(atKill.processed_rows).toBeLessThan(total);
    expect(atKill.processed_rows).toBe(atKill.cursor_row);

    await startWorkerProcess();
    const done = await waitForImport(roster, tenant, ready.id, ['completed'], 120_000);
    expect(done).toMatchObject({ processed_rows: total, ...expected, unchanged: 0, failed: 0 });

    const users = await usersOf(roster, tenant);
    expect(users).toHaveLength(existing.length + expected.created);
    const byId = new Map(users.map((user) => [user.vendor_data, user]));
    ids.forEach((id, i) => {
      const user = byId.get(id);
      if (invalid(i)) expect(user?.display_name ?? null).toBe(i % 3 === 0 ? 'Before' : null);
      else expect([id, user?.display_name, user?.email]).toEqual([id, `After ${i}`, `${id}@example.com`]);
    });
  });
});
