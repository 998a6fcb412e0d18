import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { requestExportAs, waitForExport } from '../../../test/support/exports.ts';
import { csvText, templateHeader, uploadCsv, waitForImport } from '../../../test/support/imports.ts';
import { createdUser, errorOf, tinyJpeg, tinyPng, usersApi } from '../../../test/support/users.ts';
import { applyRetention } from './index.ts';

/** Retention per category (issue #23): the settings API, and the daily run on a test clock, counted in the audit log. */

const DAY = 86_400_000;
let roster: TestRoster;
let tenant: TestTenant;
let quiet: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  quiet = await createTestTenant(roster.ctx);
});
afterAll(async () => {
  await roster?.close();
});

const retention = (t: TestTenant, role: keyof TestTenant['operators'], method: 'GET' | 'PUT' = 'GET', payload?: Record<string, unknown>, as: TestTenant = t) =>
  roster.app.inject({ method, url: `/api/console/apps/${t.appId}/retention`, headers: as.operators[role].auth, payload });

async function withFaces(t: TestTenant, vendor: string) {
  const user = await createdUser(roster, t, { vendor_data: vendor, email: `${vendor}@example.com` });
  const api = usersApi(roster, t);
  for (const image of [tinyJpeg(), tinyPng(4, 4)]) expect((await api.uploadFace(user.didit_internal_id, { image: image.toString('base64') })).statusCode).toBe(201);
  return user;
}

const lastRun = async (t: TestTenant) =>
  (await roster.ctx.db.selectFrom('audit_logs').select('details').where('app_id', '=', t.appId).where('action', '=', 'retention.applied').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).details as { removed: Record<string, number> };

describe('retention settings', () => {
  it('show the defaults (faces not forever) to OWNER, ADMIN and COMPLIANCE_OFFICER; only OWNER and ADMIN change them; bad periods are 422', async () => {
    const shown = await retention(tenant, 'COMPLIANCE_OFFICER');
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ retention: { import_files: '30d', exports: '1w', faces: '3y', inactive_users: null, audit: '7y', change_feed: '90d' }, overridden: [] });
    expect(Date.parse(shown.json().next_run_at)).toBeGreaterThan(Date.now());
    for (const role of ['DEVELOPER', 'READER'] as const) expect((await retention(tenant, role)).statusCode).toBe(403);
    expect((await retention(tenant, 'OWNER', 'GET', undefined, quiet)).statusCode).toBe(404);
    expect((await retention(tenant, 'COMPLIANCE_OFFICER', 'PUT', { faces: '30d' })).statusCode).toBe(403);
    const bad = await retention(tenant, 'ADMIN', 'PUT', { faces: 'forever', audit: '0d' });
    expect([bad.statusCode, errorOf(bad).code]).toEqual([422, 'invalid_retention']);
    expect(errorOf(bad).details?.map((detail) => detail.field)).toEqual(['faces', 'audit']);
    expect((await retention(tenant, 'ADMIN', 'PUT', { photos: '30d' })).statusCode).toBe(422);
    expect((await retention(tenant, 'ADMIN')).json().overridden).toEqual([]);

    const changed = await retention(tenant, 'ADMIN', 'PUT', { faces: '30d', inactive_users: '1y', import_files: '1d' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ retention: { faces: '30d', inactive_users: '1y', import_files: '1d', audit: '7y' }, overridden: ['import_files', 'faces', 'inactive_users'] });
    const audited = await roster.ctx.db.selectFrom('audit_logs').select(['actor_id', 'details']).where('app_id', '=', tenant.appId).where('action', '=', 'retention.changed').execute();
    expect(audited).toEqual([{ actor_id: tenant.operators.ADMIN.id, details: expect.objectContaining({ from: expect.objectContaining({ faces: '3y' }), to: expect.objectContaining({ faces: '30d' }) }) }]);
  });
});

describe('the daily retention run (test clock)', () => {
  it('removes faces past their period with their files, rejected import rows, then inactive users; each run counted in the audit log', async () => {
    const user = await withFaces(tenant, 'faces-old');
    await withFaces(quiet, 'faces-quiet');
    const keys = (await roster.ctx.db.selectFrom('faces').select('storage_key').where('app_id', '=', tenant.appId).execute()).map((face) => face.storage_key);
    expect(keys).toHaveLength(2);
    // A preview nobody ran, whose rows were rejected: their personal data is covered by import_files.
    const upload = await uploadCsv(roster, tenant, csvText([templateHeader, ['rej-1', 'Rejected Person', '', 'rejected@example.com', '', 'NOT-A-COUNTRY', '', '', '']]));
    const preview = await waitForImport(roster, tenant, upload.json().id, ['ready']);
    expect(preview.invalid_rows).toBe(1);

    // Nothing is due yet.
    await applyRetention(roster.ctx, new Date(Date.now() + 5 * 60_000));
    expect((await lastRun(tenant)).removed).toMatchObject({ faces: 0, inactive_users: 0, import_files: 0 });

    await applyRetention(roster.ctx, new Date(Date.now() + 31 * DAY));
    expect((await lastRun(tenant)).removed).toMatchObject({ faces: 2, inactive_users: 0, import_files: 1, held_records: 0 });
    expect(await roster.ctx.db.selectFrom('faces').select('id').where('app_id', '=', tenant.appId).execute()).toEqual([]);
    for (const key of keys) expect(await roster.ctx.storage.stat(key)).toBeNull();
    const staged = await sql<{ n: string }>`SELECT count(*) AS n FROM import_rows WHERE import_id = ${preview.id}::uuid`.execute(roster.ctx.db);
    expect(Number(staged.rows[0]!.n)).toBe(0);
    // The other application keeps the defaults: its faces stay (3 years).
    expect((await lastRun(quiet)).removed).toMatchObject({ faces: 0 });
    expect(await roster.ctx.db.selectFrom('faces').select('id').where('app_id', '=', quiet.appId).execute()).toHaveLength(2);

    await applyRetention(roster.ctx, new Date(Date.now() + 400 * DAY));
    expect((await lastRun(tenant)).removed).toMatchObject({ inactive_users: 1 });
    expect(await roster.ctx.db.selectFrom('users').select('vendor_data').where('app_id', '=', tenant.appId).execute()).toEqual([]);
    const deleted = await roster.ctx.db.selectFrom('audit_logs').select(['actor_label', 'details']).where('action', '=', 'user.deleted').where('target_id', '=', user.didit_internal_id).executeTakeFirstOrThrow();
    expect(deleted.actor_label).toBe('retention');
    expect((await lastRun(quiet)).removed).toMatchObject({ inactive_users: 0 });

    const shown = (await retention(tenant, 'OWNER')).json();
    expect(shown.last_run.removed).toMatchObject({ inactive_users: 1 });
  });
});

describe('a short retention for exports, the audit log and the change feed', () => {
  it('deletes the export file before its link expires, prunes the feed (410 for an old cursor) and old audit entries', async () => {
    const short = await createTestTenant(roster.ctx);
    expect((await retention(short, 'OWNER', 'PUT', { exports: '1d', audit: '1d', change_feed: '1d' })).statusCode).toBe(200);
    await createdUser(roster, short, { vendor_data: 'short-1', email: 'short@example.com' });
    const defaults = await createTestTenant(roster.ctx);
    await createdUser(roster, defaults, { vendor_data: 'default-1' });
    const owner = short.operators.OWNER.auth;
    const { json } = await requestExportAs(roster, owner, short.appId, {});
    expect((await waitForExport(roster, owner, short.appId, json.id)).status).toBe('completed');

    await applyRetention(roster.ctx, new Date(Date.now() + 2 * DAY));
    const removed = (await lastRun(short)).removed;
    expect(removed).toMatchObject({ exports: 1, change_feed: 1 });
    expect(removed.audit).toBeGreaterThanOrEqual(4);
    const exported = await roster.ctx.db.selectFrom('exports').select(['status', 'file_deleted_at']).where('id', '=', json.id).executeTakeFirstOrThrow();
    expect(exported.status).toBe('expired');
    const feed = await roster.app.inject({ method: 'GET', url: '/v3/user-changes/?after=0', headers: short.keyAuth });
    expect(feed.statusCode).toBe(410);
    // Only the run's own entry is left of the application's trail.
    const left = await roster.ctx.db.selectFrom('audit_logs').select('action').where('app_id', '=', short.appId).execute();
    expect(left.map((entry) => entry.action)).toEqual(['retention.applied']);
    // An application with the defaults keeps its feed (90 days).
    expect((await roster.app.inject({ method: 'GET', url: '/v3/user-changes/?after=0', headers: defaults.keyAuth })).statusCode).toBe(200);
  });
});
