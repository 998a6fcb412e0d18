import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { buildZip } from '../../../test/zip-builder.ts';
import { jpegVariant, uploadZip, waitForFaceImport } from '../../../test/support/face-imports.ts';
import { sameRosterEnv, spawnRoster } from '../../../test/support/roster-process.ts';

/** A real `roster worker` process killed with SIGKILL halfway through a face import; another worker finishes it. */

const FACES = 300;

let roster: TestRoster;
let tenant: TestTenant;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  await sql`INSERT INTO users (app_id, vendor_data) SELECT ${tenant.appId}::uuid, 'killed-' || i FROM generate_series(0, ${FACES - 1}) i`.execute(roster.ctx.db);
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await roster?.close();
});

async function processed(id: string): Promise<number> {
  const row = await roster.ctx.db.selectFrom('face_imports').select(['added', 'skipped', 'failed']).where('id', '=', id).executeTakeFirstOrThrow();
  return row.added + row.skipped + row.failed;
}

describe('a face import whose worker is killed', () => {
  it('is finished by another worker, with every face added exactly once', async () => {
    const zip = buildZip(Array.from({ length: FACES }, (_, i) => ({ name: `faces/killed-${i}.jpg`, data: jpegVariant(`killed-${i}`), deflate: false })));
    const created = await uploadZip(roster, tenant, zip);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    worker = (await spawnRoster('worker', sameRosterEnv(roster))).child;
    const deadline = Date.now() + 120_000;
    while ((await processed(id)) < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker!.once('exit', resolve));
    const atKill = await processed(id);
    expect(atKill).toBeGreaterThanOrEqual(20);
    expect(atKill).toBeLessThan(FACES);

    // pg-boss fails the dead worker's job once its heartbeat is stale, and retries it here.
    await roster.startWorker();
    const done = await waitForFaceImport(roster, tenant, id, 120_000);
    expect(done).toMatchObject({ status: 'completed', total: FACES, added: FACES, skipped: 0, failed: 0 });
    const entries = await roster.ctx.db.selectFrom('face_import_entries').select('entry').where('face_import_id', '=', id).execute();
    expect(new Set(entries.map((row) => row.entry)).size).toBe(FACES);
    const faces = await roster.ctx.db.selectFrom('faces').select('storage_key').where('app_id', '=', tenant.appId).execute();
    expect(faces).toHaveLength(FACES);
    // A SIGKILL can leave the dead worker's half-written temporary file (dot-named, never an object); no stored face is missing or doubled.
    expect(readdirSync(path.join(roster.dataDir, 'files', 'faces', tenant.appId)).filter((name) => !(name.startsWith('.') && name.endsWith('.tmp'))).sort()).toEqual(faces.map((face) => path.basename(face.storage_key)).sort());
    const audited = await roster.ctx.db.selectFrom('audit_logs').select('details').where('action', '=', 'face.uploaded').where('app_id', '=', tenant.appId).execute();
    expect(audited.filter((entry) => entry.details.face_import_id === id)).toHaveLength(FACES);
  }, 300_000);
});
