import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestExportAs, waitForExport } from './support/exports.ts';
import { faceImportsUrl, jpegVariant, uploadZip, waitForFaceImport } from './support/face-imports.ts';
import { createdUser } from './support/users.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';
import { buildZip } from './zip-builder.ts';

// Issue #19, finding 5: one organization's backlog (30 exports and a huge face import) held every other
// organization's jobs, because each queue served all tenants in order, one job at a time.
let roster: TestRoster;
let busy: TestTenant;
let quiet: TestTenant;

/** Just under the manifest-row cap on main (docs/security.md: 200,000): each row is looked up and reported. */
const MANIFEST_ROWS = 199_000;

beforeAll(async () => {
  roster = await startTestRoster();
  busy = await createTestTenant(roster.ctx, 'busy');
  quiet = await createTestTenant(roster.ctx, 'quiet');
  await sql`
    INSERT INTO users (app_id, vendor_data, email, created_at)
    SELECT ${busy.appId}::uuid, 'busy-' || g, 'b' || g || '@example.com', timestamptz '2026-01-01' + g * interval '1 second'
    FROM generate_series(1, 20000) g
  `.execute(roster.ctx.db);
});

afterAll(async () => {
  await roster?.close();
});

describe('fairness between organizations', () => {
  it("finishes another organization's small export and one-image face import while a busy organization's 30 exports and 199,000-entry face import still run", { timeout: 240_000 }, async () => {
    // The busy organization queues first: 10 exports from each of three operators (the per-operator cap)…
    const busyExports: string[] = [];
    for (const role of ['OWNER', 'ADMIN', 'READER'] as const) {
      for (let i = 0; i < 10; i++) {
        const { statusCode, json } = await requestExportAs(roster, busy.operators[role].auth, busy.appId, { columns: ['vendor_data'] });
        expect(statusCode).toBe(202);
        busyExports.push(json.id);
      }
    }
    // …and a small ZIP whose manifest lists 199,000 faces of users it does not have.
    const manifest = Buffer.from(`vendor_data,file\n${Array.from({ length: MANIFEST_ROWS }, (_, i) => `ghost-${i},face.jpg\n`).join('')}`);
    const bigZip = buildZip([{ name: 'manifest.csv', data: manifest }, { name: 'face.jpg', data: jpegVariant('ghost') }]);
    const big = await uploadZip(roster, busy, bigZip);
    expect(big.statusCode).toBe(201);

    // Then the quiet organization asks for a little.
    const alice = await createdUser(roster, quiet, { vendor_data: 'alice' });
    const smallExport = await requestExportAs(roster, quiet.operators.ADMIN.auth, quiet.appId, {});
    const smallImport = await uploadZip(roster, quiet, buildZip([{ name: 'alice.jpg', data: jpegVariant('alice') }]));
    expect(smallImport.statusCode).toBe(201);

    await roster.startWorker();
    const exported = await waitForExport(roster, quiet.operators.ADMIN.auth, quiet.appId, smallExport.json.id, 120_000);
    const faces = await waitForFaceImport(roster, quiet, smallImport.json().id, 120_000);
    expect(exported).toMatchObject({ status: 'completed', row_count: 1 });
    expect(faces).toMatchObject({ status: 'completed', added: 1 });
    expect(alice.vendor_data).toBe('alice');

    // The busy organization's work was still under way when the quiet one's had finished.
    const bigNow = await roster.ctx.db.selectFrom('face_imports').select(['status', 'total', 'added', 'skipped', 'failed']).where('id', '=', big.json().id).executeTakeFirstOrThrow();
    // Still under way: running, or not yet started when the machine served the quiet organization first.
    expect(['queued', 'running']).toContain(bigNow.status);
    expect(bigNow.added + bigNow.skipped + bigNow.failed).toBeLessThan(MANIFEST_ROWS);
    const busyPending = await roster.ctx.db.selectFrom('exports').select('id').where('id', 'in', busyExports).where('status', 'in', ['queued', 'running']).execute();
    expect(busyPending.length).toBeGreaterThan(0);
    // One export of an organization at a time: the others wait behind it, not in front of other organizations.
    const busyRunning = await roster.ctx.db.selectFrom('exports').select('id').where('id', 'in', busyExports).where('status', '=', 'running').execute();
    expect(busyRunning.length).toBeLessThanOrEqual(1);

    // Cancelling the big face import stops it (issue #19: there was no cancel); it is audited.
    const cancelled = await roster.app.inject({ method: 'POST', url: faceImportsUrl(busy, `/${big.json().id}/cancel`), headers: busy.operators.ADMIN.auth });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    const [entry] = await roster.ctx.db.selectFrom('audit_logs').select(['actor_id', 'action']).where('target_id', '=', big.json().id).where('action', '=', 'face_import.cancelled').execute();
    expect(entry).toEqual({ actor_id: busy.operators.ADMIN.id, action: 'face_import.cancelled' });
  });
});
