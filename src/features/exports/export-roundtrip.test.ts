import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { exportColumns } from '../../shared/user-columns.ts';
import { download, parseExportCsv, requestExportAs, waitForExport } from '../../../test/support/exports.ts';

/** The contract: an export of every column is a valid import file that changes nothing. */

let roster: TestRoster;
let tenant: TestTenant;

// Created through the users API, so every value is stored exactly as Roster normalises it.
const users: Record<string, unknown>[] = [
  { vendor_data: 'rt-accents', display_name: 'Zoë', full_name: 'José Ñúñez Müller', email: 'jose@example.com', phone: '+34600123456', country: 'ESP', tags: ['vip', 'migrated'] },
  { vendor_data: 'rt-quotes', display_name: 'The "Boss"', full_name: "O'Brien, Seán", email: 'boss@example.com', phone: '+442079460958', country: 'IRL', status: 'FLAGGED' },
  { vendor_data: 'rt-newline', display_name: 'Two\nLines', full_name: 'Comma, Separated, Name', country: 'FRA', metadata: { note: 'line one\nline two', quote: 'say "hi", ok' } },
  { vendor_data: '=SUM(A1:A2)', display_name: '=HYPERLINK("http://x")', full_name: '+Plus Name', tags: ['-neg', '=eq', '@at'], status: 'BLOCKED' },
  { vendor_data: '+7', display_name: '-minus', full_name: '@handle', email: 'plus@example.com', metadata: { '=key': '=value', '-n': -1 } },
  { vendor_data: '-42', display_name: "'quoted", full_name: "''double", tags: ["'q"] },
  { vendor_data: '@mention', display_name: '-12.5', full_name: '+1.5', phone: '+14155550123', country: 'USA' },
  {
    vendor_data: 'rt-metadata',
    display_name: '中文名字',
    full_name: 'Ελληνικά 🙂',
    metadata: { nested: { list: [1, 2.5, 'ü', { deep: null, flag: true }], empty: {} }, emoji: '🙂👍', unicode: 'é\u00e9\u0301', big: 12345678901234 },
    tags: ['ünïcödé', 't-1'],
  },
  { vendor_data: 'rt-bare' },
];

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  for (const user of users) {
    const response = await roster.app.inject({ method: 'POST', url: '/v3/users/create/', headers: tenant.keyAuth, payload: user });
    expect(response.statusCode, response.body).toBe(201);
  }
});

afterAll(async () => {
  await roster?.close();
});

async function snapshot() {
  return roster.ctx.db.selectFrom('users').selectAll().where('app_id', '=', tenant.appId).orderBy('vendor_data').execute();
}

async function waitForImport(id: string, statuses: string[]) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/imports/${id}`, headers: tenant.operators.OWNER.auth });
    const body = response.json();
    if (statuses.includes(body.status)) return body;
    if (['failed', 'cancelled'].includes(body.status) || Date.now() > deadline) throw new Error(`import ${id} is ${body.status}: ${response.body}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an export of every column, imported back', () => {
  it('validates with no invalid rows, finds every row unchanged, and writes nothing', async () => {
    const before = await snapshot();
    const { json } = await requestExportAs(roster, tenant.operators.OWNER.auth, tenant.appId, {});
    const done = await waitForExport(roster, tenant.operators.OWNER.auth, tenant.appId, json.id);
    expect(done).toMatchObject({ status: 'completed', row_count: users.length });
    const file = await download(roster, done.download_url!);
    expect(parseExportCsv(file.body).header).toEqual([...exportColumns]);

    const upload = await roster.app.inject({
      method: 'POST',
      url: `/api/console/apps/${tenant.appId}/imports?file_name=export.csv`,
      headers: { ...tenant.operators.OWNER.auth, 'content-type': 'text/csv' },
      payload: file.rawPayload,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const preview = await waitForImport(upload.json().id, ['ready']);
    expect(preview).toMatchObject({ total_rows: users.length, valid_rows: users.length, invalid_rows: 0, to_create: 0, to_update: 0, unchanged: users.length });

    const started = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/imports/${preview.id}/start`, headers: tenant.operators.OWNER.auth });
    expect(started.statusCode, started.body).toBe(202);
    const ran = await waitForImport(preview.id, ['completed']);
    expect(ran).toMatchObject({ created: 0, updated: 0, skipped: 0, failed: 0 });
    expect(await snapshot()).toEqual(before);
  });
});
