import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { requestErasure, waitForErasure } from '../../../test/support/erasure.ts';
import { eventually, sameRosterEnv, spawnRoster } from '../../../test/support/roster-process.ts';
import { createdUser } from '../../../test/support/users.ts';

/**
 * Issue #23: a real `roster worker` SIGKILLed in the middle of an erasure (in its audit-log pass, a few
 * entries a transaction); the next worker resumes it after the last committed batch. It completes once:
 * one user.erased entry and change, one completion, one certificate, and every entry rewritten.
 */

const ENTRIES = 2_000;
const env = { ERASURE_BATCH_ROWS: '4' };
let roster: TestRoster;
let tenant: TestTenant;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  roster = await startTestRoster(env);
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await roster?.close();
});

describe('an erasure whose worker is killed', () => {
  it('is resumed by another worker and completes once, with one certificate', { timeout: 240_000 }, async () => {
    const user = await createdUser(roster, tenant, { vendor_data: 'killed-1', full_name: 'Hedwig Kiesler', email: 'hedy@example.com' });
    // A long history: entries about the user, each naming a former email.
    await sql`
      INSERT INTO audit_logs (org_id, app_id, actor_type, actor_label, action, target_type, target_id, details)
      SELECT ${tenant.orgId}::uuid, ${tenant.appId}::uuid, 'system', 'test', 'user.updated', 'user', ${user.didit_internal_id},
             jsonb_build_object('vendor_data', 'killed-1', 'changes', jsonb_build_object('email', jsonb_build_object('from', 'h' || g || '@old.example', 'to', 'hedy@example.com')))
        FROM generate_series(1, ${ENTRIES}) g`.execute(roster.ctx.db);

    worker = (await spawnRoster('worker', sameRosterEnv(roster, env))).child;
    const response = await requestErasure(roster, tenant, user.didit_internal_id, { reason: 'Art. 17', legal_hold: false });
    expect(response.statusCode, response.body).toBe(202);
    const id = response.json().id as string;
    const row = () => roster.ctx.db.selectFrom('erasures').select(['status', 'steps_done', 'step_cursor']).where('id', '=', id).executeTakeFirstOrThrow();
    // Killed once the audit pass has committed some batches, well before its end.
    await eventually('the audit pass under way', async () => {
      const now = await row();
      return now.steps_done.includes('user') && now.step_cursor !== null ? true : undefined;
    }, 120_000, 5);
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker!.once('exit', resolve));
    const atKill = await row();
    expect(atKill.status).toBe('running');
    expect(atKill.steps_done).not.toContain('ledger');

    // pg-boss fails the dead worker's job once its heartbeat is stale, and retries it here.
    await roster.startWorker();
    const done = await waitForErasure(roster, tenant, id, 180_000);
    expect(done.status).toBe('completed');

    const count = async (action: string) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs WHERE action = ${action} AND app_id = ${tenant.appId}::uuid`.execute(roster.ctx.db)).rows[0]!.n);
    expect(await count('user.erased')).toBe(1);
    expect(await count('erasure.completed')).toBe(1);
    const erasedChanges = await sql<{ n: string }>`SELECT count(*) AS n FROM user_changes WHERE app_id = ${tenant.appId}::uuid AND type = 'user.erased'`.execute(roster.ctx.db);
    expect(Number(erasedChanges.rows[0]!.n)).toBe(1);
    const left = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs WHERE app_id = ${tenant.appId}::uuid AND details::text ILIKE '%example.com%'`.execute(roster.ctx.db);
    expect(Number(left.rows[0]!.n)).toBe(0);
    const certificate = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/erasures/${id}/certificate`, headers: tenant.operators.OWNER.auth })).json();
    expect(certificate.removed.find((entry: { where: string }) => entry.where === 'audit_logs').count).toBe(ENTRIES + 1);
    const stored = await roster.ctx.db.selectFrom('erasures').select(['subject', 'certificate']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.subject).toBeNull();
    expect(stored.certificate).not.toBeNull();
  });
});
