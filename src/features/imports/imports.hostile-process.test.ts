import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { eventually, type RosterProcess, spawnRoster } from '../../../test/support/roster-process.ts';
import { xlsxFromParts } from '../../../test/xlsx-file.ts';
import { inputLimits } from '../../platform/untrusted-input.ts';

/**
 * Issue #19's hostile files against a real `roster start` (server and worker in one process). A
 * 260-byte workbook asking for column ZZZZZZZ aborted the process ~30 s after upload, and again after
 * every restart through retries; a 1.26 KB workbook of unclosed `<c>` tags and an NDJSON record of
 * 200,000 keys froze /healthz for 30-50 s. Each now fails its import at once with its code, the process
 * serving throughout.
 */

let roster: TestRoster;
let tenant: TestTenant;
let server: RosterProcess;

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  server = await spawnRoster('start', {
    DATABASE_URL: roster.databaseUrl,
    ROSTER_DB_SCHEMA: roster.schema,
    ROSTER_DATA_DIR: roster.dataDir,
    ROSTER_SECRET: roster.config.ROSTER_SECRET,
  });
}, 120_000);
afterAll(async () => {
  if (server?.alive()) server.child.kill('SIGKILL');
  await roster?.close();
});

const sheet = (rows: string) => `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
const sharedStrings = (items: string) => `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${items}</sst>`;
const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const header = `<row r="1">${inline('A1', 'vendor_data')}</row>`;

async function upload(file: Buffer | string): Promise<string> {
  const response = await fetch(`${server.url}/api/console/apps/${tenant.appId}/imports`, {
    method: 'POST',
    headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'application/octet-stream' },
    body: file,
  });
  const body = (await response.json()) as { id?: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.id!;
}

async function importOf(id: string): Promise<{ status: string; error?: { code: string; message: string }; bytes: number }> {
  const response = await fetch(`${server.url}/api/console/apps/${tenant.appId}/imports/${id}`, { headers: tenant.operators.ADMIN.auth });
  const text = await response.text();
  return { ...(JSON.parse(text) as { status: string; error?: { code: string; message: string } }), bytes: text.length };
}

async function healthz(): Promise<number> {
  return (await fetch(`${server.url}/healthz`)).status;
}

/** How often pg-boss handed each import's validation to a worker again (0: it ran once). */
async function retriesOf(importIds: string[]): Promise<number[]> {
  const client = new pg.Client({ connectionString: roster.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ retry_count: number }>(
      `SELECT retry_count FROM ${pg.escapeIdentifier(`${roster.schema}_jobs`)}.job WHERE name = 'imports.validate' AND data->>'importId' = ANY($1::text[])`,
      [importIds],
    );
    return rows.map((row) => row.retry_count);
  } finally {
    await client.end();
  }
}

/** Waits for the import to fail, asking /healthz between looks: every one must answer. */
async function failureWhileServing(id: string) {
  return eventually(`import ${id} to fail`, async () => {
    expect(await healthz()).toBe(200);
    const view = await importOf(id);
    return view.status === 'failed' ? view : undefined;
  }, 90_000, 200);
}

describe('files that aborted roster start (finding 1)', () => {
  it('a cell at column ZZZZZZZ and millions of empty shared strings fail their imports with their codes; the process serves for 60 s after', { timeout: 240_000 }, async () => {
    const files: [string, Buffer][] = [
      ['too_many_columns', xlsxFromParts(sheet(`${header}<row r="2">${inline('A2', 'x1')}<c r="ZZZZZZZ2"><v>1</v></c></row>`), sharedStrings(''))],
      ['too_many_shared_strings', xlsxFromParts(sheet(header), sharedStrings('<si></si>'.repeat(inputLimits.sharedStrings + 1)))],
    ];
    const ids = new Map<string, string>();
    for (const [code, file] of files) ids.set(code, await upload(file));

    // Polled over 60 s: the process stays up and answers every time.
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      expect(server.alive(), server.output()).toBe(true);
      expect(await healthz()).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const [code, id] of ids) expect(await importOf(id)).toMatchObject({ status: 'failed', error: { code } });
    // Failed at once: one attempt each, not six.
    expect(await retriesOf([...ids.values()])).toEqual([0, 0]);
  });
});

describe('files that froze every tenant (finding 2, 9 and the suspected <rPh>)', () => {
  it('each fails its import at once with its code while /healthz keeps answering, and the import answers small', { timeout: 300_000 }, async () => {
    const files: [string, Buffer | string][] = [
      ['invalid_xlsx', xlsxFromParts(sheet(`${header}<row r="2">${'<c>'.repeat(340_000)}</row>`), sharedStrings(''))],
      ['too_deeply_nested', xlsxFromParts(sheet(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`), sharedStrings(`<si><t>vendor_data</t>${'<rPh>'.repeat(340_000)}</si>`))],
      ['too_many_columns', `{"vendor_data":"a"}\n{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":1`).join(',')}}\n`],
      ['too_deeply_nested', `[{"vendor_data":"a","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}]`],
      ['invalid_xlsx', xlsxFromParts(sheet(`${header}<row r="2">${inline('A2', 'x&#x110000;')}</row>`), sharedStrings(''))],
    ];
    const ids: string[] = [];
    for (const [code, file] of files) {
      const id = await upload(file);
      ids.push(id);
      const failed = await failureWhileServing(id);
      expect(failed.error, `file for ${code}`).toMatchObject({ code });
      expect(failed.error!.message).not.toMatch(/attempts|RangeError|Maximum call stack/);
      expect(failed.bytes).toBeLessThan(64 * 1024);
    }
    expect(await retriesOf(ids)).toEqual(ids.map(() => 0));
    expect(server.alive()).toBe(true);
  });
});
