import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { buildZip } from '../../../test/zip-builder.ts';
import type { AppContext } from '../../context.ts';
import { createdUser } from '../../../test/support/users.ts';
import { faceImportUpkeep, processFaceImport } from './face-import.job.ts';
import { jpegVariant } from '../../../test/support/face-imports.ts';
import { createFaceImport } from './face-imports.service.ts';
import { sweepOperations } from '../../platform/operations/index.ts';

const sweep = async () => (await sweepOperations(roster.ctx, [faceImportUpkeep])).failed.face_import;

// No worker runs in this file: each test drives processing itself, as a worker that dies would.
let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  for (let i = 0; i < 10; i++) await createdUser(roster, tenant, { vendor_data: `crash-${i}` });
});
afterAll(async () => {
  await roster?.close();
});

const never = { signal: new AbortController().signal };

async function queuedImport(variant: string): Promise<string> {
  const zip = buildZip(Array.from({ length: 10 }, (_, i) => ({ name: `crash-${i}.jpg`, data: jpegVariant(`${variant}-${i}`) })));
  const operator = tenant.operators.ADMIN;
  const actor = { operator: { kind: 'operator' as const, operatorId: operator.id, orgId: tenant.orgId, role: operator.role, email: operator.email, name: 'admin', via: 'token' as const }, appId: tenant.appId, ip: null };
  return (await createFaceImport(roster.ctx, actor, { stream: Readable.from([zip]), fileName: 'faces.zip' })).id;
}

async function state(id: string) {
  const record = await roster.ctx.db.selectFrom('face_imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const entries = await roster.ctx.db.selectFrom('face_import_entries').select(['entry', 'outcome']).where('face_import_id', '=', id).orderBy('entry').execute();
  return { record, entries };
}

const faceFiles = () => readdirSync(path.join(roster.dataDir, 'files', 'faces', tenant.appId)).sort();
const faceRows = async () => (await roster.ctx.db.selectFrom('faces').select('storage_key').where('app_id', '=', tenant.appId).execute()).map((row) => path.basename(row.storage_key)).sort();

describe('a face import whose worker dies', () => {
  it('resumes with the entries not yet committed, never adding a face twice nor leaving a stray file', async () => {
    const id = await queuedImport('resume');
    // The worker fails while storing the 4th image, before its row commits (the key is derived from the
    // user and the hash, so a file a hard kill leaves there is simply rewritten by the retry).
    let puts = 0;
    const dying: AppContext = {
      ...roster.ctx,
      storage: Object.assign(Object.create(Object.getPrototypeOf(roster.ctx.storage)), roster.ctx.storage, {
        async put(...args: Parameters<AppContext['storage']['put']>) {
          const result = await roster.ctx.storage.put(...args);
          if (args[0].startsWith('faces/') && ++puts === 4) throw new Error('worker killed');
          return result;
        },
      }),
    };
    await expect(processFaceImport(dying, id, never)).rejects.toThrow();
    const halfway = await state(id);
    expect(halfway.record.status).toBe('running');
    expect(halfway.record.added).toBeGreaterThanOrEqual(3);
    expect(halfway.record.added).toBeLessThan(10);
    expect(halfway.entries).toHaveLength(halfway.record.added);

    await processFaceImport(roster.ctx, id, never);
    const done = await state(id);
    expect(done.record).toMatchObject({ status: 'completed', total: 10, added: 10, skipped: 0 });
    expect(done.entries.map((entry) => entry.entry)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await faceRows()).toHaveLength(10);
    expect(faceFiles()).toEqual(await faceRows());
  });

  it('gives the same result when a retry races the original worker on one import', async () => {
    const id = await queuedImport('race');
    await Promise.all([processFaceImport(roster.ctx, id, never), processFaceImport(roster.ctx, id, never)]);
    const done = await state(id);
    expect(done.record).toMatchObject({ status: 'completed', total: 10, added: 10, skipped: 0 });
    expect(done.entries).toHaveLength(10);
    expect(await faceRows()).toHaveLength(20);
    expect(faceFiles()).toEqual(await faceRows());
    const audits = await roster.ctx.db.selectFrom('audit_logs').select('details').where('action', '=', 'face.uploaded').execute();
    expect(audits.filter((entry) => entry.details.face_import_id === id)).toHaveLength(10);
  });

  it('stops at once when the job is taken away, and a later attempt finishes it', async () => {
    const id = await queuedImport('abort');
    const controller = new AbortController();
    controller.abort();
    await expect(processFaceImport(roster.ctx, id, controller)).rejects.toThrow(/interrupted/);
    expect((await state(id)).record.added).toBe(0);
    await processFaceImport(roster.ctx, id, never);
    expect((await state(id)).record).toMatchObject({ status: 'completed', added: 10 });
  });

  it('is failed by the operations sweep once its worker has been silent past WORKING_SILENT_MS, keeping what it added', async () => {
    const id = await queuedImport('silent');
    await roster.ctx.db.updateTable('face_imports').set({ status: 'running', heartbeat_at: new Date(Date.now() - 4 * 3600 * 1000) }).where('id', '=', id).execute();
    expect(await sweep()).toBe(1);
    expect((await state(id)).record).toMatchObject({ status: 'failed', error: { code: 'processing_failed' } });
    // A fresh one is left alone.
    const fresh = await queuedImport('fresh');
    expect(await sweep()).toBe(0);
    expect((await state(fresh)).record.status).toBe('queued');
  });
});
