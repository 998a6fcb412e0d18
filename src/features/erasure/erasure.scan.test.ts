import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { requestExportAs, waitForExport } from '../../../test/support/exports.ts';
import { requestErasure, scanBucket, scanTables, waitForErasure } from '../../../test/support/erasure.ts';
import { startTestBucket, type TestBucket } from '../../../test/support/s3.ts';
import { csvText, startAndFinish, templateHeader, uploadCsv, waitForImport } from '../../../test/support/imports.ts';
import { createdUser, tinyJpeg, tinyPng, usersApi } from '../../../test/support/users.ts';
import { webhooksFeature } from '../webhooks/index.ts';

/**
 * Issue #23's erasure scan: a person created through the API, changed by an import and in the console,
 * with faces, sessions, exports (CSV, JSONL gzip, a search by their email) and a rejected import row,
 * is erased; then every text column of every table (information_schema) and every stored object is
 * searched for their emails, phones and names. With legal_hold only the held record has them; without,
 * nothing does. A third person, never erased, is still found everywhere they were.
 */

const BUCKET = 'roster-erasure-test';
let bucket: TestBucket;
let receiver: Server;
let deliverer: { stop(): Promise<void> } | undefined;
const received: { type: string; data: { vendor_data?: string } }[] = [];
let roster: TestRoster;
let tenant: TestTenant;

interface Person {
  vendor: string;
  fullName: string;
  displayName: string;
  newDisplayName: string;
  email: string;
  newEmail: string;
  phone: string;
  id?: string;
}

const person = (vendor: string, first: string, last: string, phone: string): Person => ({
  vendor,
  fullName: `${first} ${last}`,
  displayName: `${first} Q`,
  newDisplayName: `${first} of ${last}`,
  email: `${first.toLowerCase()}.${last.toLowerCase()}@mail.example`,
  newEmail: `${first.toLowerCase()}@${last.toLowerCase()}.example`,
  phone,
});
const held = person('erase-held', 'Zephyrine', 'Quillfeather', '+4915112340001');
const plain = person('erase-plain', 'Barnabus', 'Wexleydorf', '+4915112340002');
const kept = person('erase-kept', 'Ottoline', 'Marchbanks', '+4915112340003');
const needlesOf = (p: Person) => [p.fullName, p.displayName, p.newDisplayName, p.email, p.newEmail, p.phone];

beforeAll(async () => {
  bucket = await startTestBucket(BUCKET);
  roster = await startTestRoster({ STORAGE_URL: bucket.storageUrl, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  // A webhook endpoint with full payloads: the stored bodies hold the person until the erasure.
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = await roster.app.inject({
    method: 'POST',
    url: `/api/console/apps/${tenant.appId}/webhooks`,
    headers: tenant.operators.OWNER.auth,
    payload: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, events: ['user.created', 'user.updated', 'user.erased'], payload: 'full', import_events: 'per_user' },
  });
  expect(hook.statusCode, hook.body).toBe(201);
  deliverer = webhooksFeature.services![0]!(roster.ctx);

  const api = usersApi(roster, tenant);
  for (const p of [held, plain, kept]) {
    const user = await createdUser(roster, tenant, { vendor_data: p.vendor, full_name: p.fullName, display_name: p.displayName, email: p.email, date_of_birth: '1980-02-03', metadata: { note: `call ${p.displayName}` } });
    p.id = user.didit_internal_id;
    expect((await api.uploadFace(p.id, { image: tinyJpeg().toString('base64'), comment: `photo of ${p.fullName}` })).statusCode).toBe(201);
    expect((await api.uploadFace(p.id, { image: tinyPng(3, 3).toString('base64') })).statusCode).toBe(201);
    expect((await api.session(p.vendor, { session_id: `s-${p.vendor}`, status: 'APPROVED', completed_at: '2026-03-01T10:00:00Z' })).statusCode).toBeLessThan(300);
  }
  // An import changes email and phone; a second import's row for the same people is rejected (bad country) and stays staged.
  const file = csvText([templateHeader, ...[held, plain, kept].map((p) => [p.vendor, '', '', p.newEmail, p.phone, '', '', '', ''])]);
  const first = await uploadCsv(roster, tenant, file, { fileName: 'changes.csv' });
  expect(first.statusCode, first.body).toBe(201);
  await waitForImport(roster, tenant, first.json().id, ['ready']);
  expect((await startAndFinish(roster, tenant, first.json().id)).status).toBe('completed');
  const rejected = await uploadCsv(roster, tenant, csvText([templateHeader, ...[held, plain, kept].map((p) => [p.vendor, p.displayName, '', p.email, p.phone, 'NOT-A-COUNTRY', '', '', ''])]), { fileName: 'rejected.csv' });
  const preview = await waitForImport(roster, tenant, rejected.json().id, ['ready']);
  expect(preview.invalid_rows).toBe(3);
  // The console renames each.
  for (const p of [held, plain, kept]) {
    const response = await roster.app.inject({ method: 'PATCH', url: `/api/console/apps/${tenant.appId}/users/${p.id}`, headers: tenant.operators.ADMIN.auth, payload: { display_name: p.newDisplayName } });
    expect(response.statusCode, response.body).toBe(200);
  }
  // Exports: everyone as CSV, as gzip JSONL, and a search by one person's email (the filter is stored).
  const owner = tenant.operators.OWNER.auth;
  for (const body of [{}, { format: 'jsonl', compression: 'gzip' }, { filters: { search: held.newEmail } }, { filters: { search: plain.newEmail } }]) {
    const { json } = await requestExportAs(roster, owner, tenant.appId, body);
    expect((await waitForExport(roster, owner, tenant.appId, json.id)).status).toBe('completed');
  }
}, 240_000);

afterAll(async () => {
  await deliverer?.stop();
  receiver?.close();
  await roster?.close();
  await bucket?.close();
});

async function scan(needles: string[]) {
  return [...(await scanTables(roster, needles)), ...(await scanBucket(bucket.endpoint, BUCKET, needles))];
}

describe('erasure', () => {
  it('before: every person is found in the tables and the bucket (the scan can find them)', async () => {
    const hits = await scan(needlesOf(held));
    await expect.poll(() => received.filter((event) => event.type === 'user.updated').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(9);
    for (const where of ['users.email', 'audit_logs.details', 'user_changes.changes', 'import_rows.cells', 'exports.filters', 'webhook_deliveries.body']) expect(hits.some((hit) => hit.where.startsWith(where)), where).toBe(true);
    expect(hits.some((hit) => hit.where.startsWith('object exports/') || hit.where.includes('export'))).toBe(true);
    expect(hits.some((hit) => hit.where.startsWith('object imports/'))).toBe(true);
  });

  it('with legal_hold: nothing outside the held record; the held record keeps full_name, date_of_birth and sessions', async () => {
    const response = await requestErasure(roster, tenant, held.id!, { reason: 'Art. 17 request by e-mail, ticket 4411', legal_hold: true });
    expect(response.statusCode, response.body).toBe(202);
    const done = await waitForErasure(roster, tenant, response.json().id);
    expect(done).toMatchObject({ status: 'completed', legal_hold: true });
    const hits = await scan(needlesOf(held));
    expect(hits.filter((hit) => !hit.where.startsWith('erasure_holds.'))).toEqual([]);
    expect(hits.some((hit) => hit.where.startsWith('erasure_holds.full_name'))).toBe(true);

    const certificate = (await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/erasures/${done.id}/certificate`, headers: tenant.operators.OWNER.auth })).json();
    const count = (where: string) => certificate.removed.find((entry: { where: string }) => entry.where === where)?.count;
    expect(count('users')).toBe(1);
    expect(count('faces')).toBe(2);
    expect(count('audit_logs')).toBeGreaterThanOrEqual(4);
    expect(count('user_changes')).toBeGreaterThanOrEqual(3);
    expect(count('import_rows')).toBeGreaterThanOrEqual(2);
    expect(count('import files')).toBe(2);
    expect(count('export files')).toBe(3);
    expect(certificate.held).toMatchObject({ fields: ['full_name', 'date_of_birth', 'verification_sessions'], verification_sessions: 1 });
    // The feed keeps the history's shape: the user's changes are there, personal values read "[erased]", and user.erased closes it.
    const feed = (await roster.app.inject({ method: 'GET', url: '/v3/user-changes/?limit=1000', headers: tenant.keyAuth })).json().results.filter((change: { didit_internal_id: string }) => change.didit_internal_id === held.id);
    expect(feed.map((change: { type: string }) => change.type)).toEqual(['user.created', 'user.updated', 'user.updated', 'user.updated', 'user.erased']);
    expect(feed[2].changes.email).toEqual({ from: '[erased]', to: '[erased]' });
    expect(feed.at(-1)).toMatchObject({ type: 'user.erased', vendor_data: held.vendor, user: null });
    expect(count('webhook_deliveries')).toBeGreaterThanOrEqual(4);
    // Receivers hear of it: a user.erased event, no personal values.
    await expect.poll(() => received.find((event) => event.type === 'user.erased' && event.data.vendor_data === held.vendor), { timeout: 30_000 }).toBeTruthy();
  });

  it('without legal_hold: nothing anywhere; the person never erased is still everywhere they were', async () => {
    const response = await requestErasure(roster, tenant, plain.id!, { reason: 'Art. 17', legal_hold: false }, 'ADMIN');
    expect(response.statusCode, response.body).toBe(202);
    expect(await waitForErasure(roster, tenant, response.json().id)).toMatchObject({ status: 'completed', legal_hold: false, hold_until: null });
    expect(await scan(needlesOf(plain))).toEqual([]);

    const keptHits = (await scan([kept.newEmail, kept.newDisplayName])).map((hit) => hit.where);
    expect(keptHits).toContain('users.email (1 rows)');
    // Files are deleted whole (they held the erased), but the others' staged rows stay.
    expect(keptHits.some((where) => where.startsWith('import_rows.cells'))).toBe(true);
    expect(keptHits.some((where) => where.startsWith('audit_logs.details'))).toBe(true);
  });
});
