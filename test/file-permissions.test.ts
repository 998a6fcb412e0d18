import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config.ts';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';

/** Issue #9 finding 9: export CSVs, faces, uploaded imports and outbox mails were 0644 in 0755 folders. */

let roster: TestRoster;
let tenant: TestTenant;
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const mode = (file: string) => statSync(file).mode & 0o777;

function everythingUnder(folder: string): { files: string[]; folders: string[] } {
  const files: string[] = [];
  const folders: string[] = [folder];
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    (entry.isDirectory() ? folders : files).push(full);
  }
  return { files, folders };
}

describe('files under the data folder', () => {
  it('are 0600 in 0700 folders: stored files (imports, faces, exports) and outbox mails, even where an older version made the folder 0755', async () => {
    const filesRoot = path.join(roster.dataDir, 'files');
    mkdirSync(filesRoot, { recursive: true, mode: 0o755 });
    chmodSync(filesRoot, 0o755);
    const upload = await roster.app.inject({
      method: 'POST',
      url: `/api/console/apps/${tenant.appId}/imports`,
      headers: { ...tenant.operators.OWNER.auth, 'content-type': 'text/csv' },
      payload: 'vendor_data,email\nu-1,someone@example.com\n',
    });
    expect(upload.statusCode).toBe(201);
    await roster.ctx.storage.put('exports/some-app/some-export.csv', Buffer.from('vendor_data\r\nu-1\r\n'));
    await roster.ctx.mailer.send({ to: 'someone@example.com', subject: 'A link', text: 'http://roster.test/secret-link' });

    for (const root of [filesRoot, path.join(roster.dataDir, 'outbox')]) {
      const { files, folders } = everythingUnder(root);
      expect(files.length, root).toBeGreaterThan(0);
      for (const file of files) expect(mode(file).toString(8), file).toBe('600');
      for (const folder of folders) expect(mode(folder).toString(8), folder).toBe('700');
    }
  });

  it('include the secret: created 0600, and tightened to 0600 if found readable by others', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-secret-'));
    try {
      const fresh = parseConfig({ ROSTER_DATA_DIR: dataDir });
      expect(mode(path.join(dataDir, 'secret')).toString(8)).toBe('600');
      chmodSync(path.join(dataDir, 'secret'), 0o644);
      expect(parseConfig({ ROSTER_DATA_DIR: dataDir }).ROSTER_SECRET).toBe(fresh.ROSTER_SECRET);
      expect(mode(path.join(dataDir, 'secret')).toString(8)).toBe('600');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
