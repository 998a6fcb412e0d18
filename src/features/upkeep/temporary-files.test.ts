import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '../../../test/harness.ts';
import { eventually, type RosterProcess, spawnRoster } from '../../../test/support/roster-process.ts';
import { LocalStorage } from '../../platform/storage/local.ts';
import { sweepTemporaryFiles } from './temporary-files.job.ts';

const HOUR = 3600 * 1000;
let roster: TestRoster;
let worker: RosterProcess | undefined;
const folders: string[] = [];

beforeAll(async () => {
  roster = await startTestRoster();
});
afterAll(async () => {
  if (worker?.alive()) worker.child.kill('SIGKILL');
  await roster?.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A file (or folder) as a killed writer leaves it, last written `ageMs` ago. */
function leftover(file: string, ageMs: number, content = 'half a file'): string {
  if (content) writeFileSync(file, content);
  const at = new Date(Date.now() - ageMs);
  utimesSync(file, at, at);
  return file;
}

describe('temporary files left by killed processes', () => {
  it('are deleted once hours old; stored objects, fresh temporary files and others\' folders stay', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-sweep-'));
    folders.push(dataDir);
    const storage = new LocalStorage({ dataDir, publicUrl: 'http://roster.test', secret: 'sweep-secret' });
    await storage.put('imports/app/kept.csv', Buffer.from('a,b\n'));
    const folder = path.join(storage.root, 'imports', 'app');
    const stale = leftover(path.join(folder, '.dead.csv.0123abcd.tmp'), 7 * HOUR);
    const fresh = leftover(path.join(folder, '.writing.csv.4567cdef.tmp'), 10 * 60 * 1000);
    mkdirSync(path.join(storage.root, 'faces', 'u'), { recursive: true });
    const staleFace = leftover(path.join(storage.root, 'faces', 'u', '.face.jpg.89abcdef.tmp'), 30 * HOUR);
    const oldObject = leftover(path.join(folder, 'old.csv'), 30 * HOUR);
    const staleWork = mkdtempSync(path.join(os.tmpdir(), 'roster-faces-'));
    writeFileSync(path.join(staleWork, 'faces.zip'), 'zip');
    leftover(staleWork, 25 * HOUR, '');
    const freshWork = mkdtempSync(path.join(os.tmpdir(), 'roster-xlsx-'));
    folders.push(staleWork, freshWork);

    const swept = await sweepTemporaryFiles({ storage, log: { info: () => {}, warn: () => {}, error: () => {} } });

    expect(swept.files).toBe(2);
    expect(swept.folders).toBeGreaterThanOrEqual(1);
    expect([stale, staleFace, staleWork].filter((file) => existsSync(file))).toEqual([]);
    expect([fresh, oldObject, freshWork].filter((file) => !existsSync(file))).toEqual([]);
    expect((await storage.stat('imports/app/kept.csv'))?.bytes).toBe(4);
  });

  it('are swept when a worker starts', { timeout: 120_000 }, async () => {
    const folder = path.join(roster.dataDir, 'files', 'imports');
    mkdirSync(folder, { recursive: true });
    const stale = leftover(path.join(folder, '.killed.csv.feedbeef.tmp'), 8 * HOUR);
    worker = await spawnRoster('worker', {
      DATABASE_URL: roster.databaseUrl,
      ROSTER_DB_SCHEMA: roster.schema,
      ROSTER_DATA_DIR: roster.dataDir,
      ROSTER_SECRET: roster.config.ROSTER_SECRET,
    });
    await eventually('the start-up sweep', async () => (existsSync(stale) ? undefined : true), 30_000, 100);
  });
});
