import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import { importsUrl, startAndFinish, usersOf } from '../../../../test/support/imports.ts';
import { settledImport } from '../../../../test/support/import-mapping.ts';

/** Each preset's sample file is shaped from the vendor's public documentation (see the tables in docs/vendor-migration.md#presets). */
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/presets');
const sample = (name: string) => readFileSync(path.join(fixtures, name));

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
  await roster.startWorker();
});
afterAll(async () => roster?.close());

const fresh = () => createTestTenant(roster.ctx);

describe('presets', () => {
  it('lists the presets with their mapping and fixes', async () => {
    const tenant = await fresh();
    const response = await roster.app.inject({ method: 'GET', url: importsUrl(tenant, '/presets'), headers: tenant.operators.ADMIN.auth });
    expect(response.statusCode).toBe(200);
    expect(response.json().results.map((preset: { name: string; label: string }) => [preset.name, preset.label])).toEqual([
      ['auth0', 'From Auth0'],
      ['firebase', 'From Firebase Authentication'],
      ['sumsub', 'From Sumsub (applicants)'],
    ]);
    const unknown = await roster.app.inject({ method: 'POST', url: importsUrl(tenant, '?preset=okta'), headers: { ...tenant.operators.ADMIN.auth, 'content-type': 'text/csv' }, payload: 'vendor_data\na\n' });
    expect(unknown.statusCode).toBe(400);
  });

  it("imports Auth0's user export job output (NDJSON)", async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, sample('auth0-users.ndjson'), { query: { preset: 'auth0' } });
    expect(ready).toMatchObject({ status: 'ready', format: 'ndjson', preset: 'auth0', total_rows: 3, valid_rows: 3, warnings: [] });
    expect(ready.columns.find((column) => column.source === 'user_id')).toMatchObject({ field: 'vendor_data', how: 'saved' });
    await startAndFinish(roster, tenant, ready.id);
    const users = await usersOf(roster, tenant);
    expect(users.map((user) => [user.vendor_data, user.email, user.display_name, user.phone, user.status])).toEqual([
      ['auth0|5f7c8ec7c33c6c004bbafe82', 'ana.lopez@example.com', 'Ana López', '+34600123456', 'ACTIVE'],
      ['google-oauth2|104838384723984723984', 'bo.chen@example.com', 'Bo Chen', null, 'BLOCKED'],
      ['sms|64a1f0b2c0ffee0012345678', null, '+33612345678', '+33612345678', 'ACTIVE'],
    ]);
    expect(users[0]!.metadata).toEqual({
      given_name: 'Ana',
      family_name: 'López',
      nickname: 'ana.lopez',
      // Types kept (issue 20): a boolean stays a boolean, a count a number; the sign-up date is kept.
      email_verified: true,
      source_created_at: '2021-03-04T10:12:01.123Z',
      auth0_last_login: '2024-01-02T08:00:00.000Z',
      auth0_logins_count: 42,
      user_metadata: { plan: 'gold', locale: 'es' },
      app_metadata: { roles: ['customer'] },
    });
  });

  it("imports Firebase's auth:export JSON, never the password hashes", async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, sample('firebase-users.json'), { query: { preset: 'firebase' } });
    expect(ready).toMatchObject({ status: 'ready', format: 'json', valid_rows: 2, warnings: [] });
    expect(ready.columns.find((column) => column.source === 'passwordHash')).toMatchObject({ field: null, how: 'saved' });
    await startAndFinish(roster, tenant, ready.id);
    const users = await usersOf(roster, tenant);
    expect(users.map((user) => [user.vendor_data, user.email, user.display_name, user.phone, user.status])).toEqual([
      ['8Zkh0qQ1VbT3x9cK2mN4pR6sT8uV', 'carla@example.com', 'Carla Souza', '+5511987654321', 'ACTIVE'],
      ['Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9', 'dmitri@example.com', null, null, 'BLOCKED'],
    ]);
    expect(users[1]!.metadata).toEqual({ email_verified: false, source_created_at: '2020-05-11T15:52:25.000Z', custom_claims: { tier: 'basic', admin: false } });
    expect(JSON.stringify(users)).not.toContain('lSrfV15cpx95');
  });

  it("imports Sumsub's applicants, with their country names and national phones fixed", async () => {
    const tenant = await fresh();
    const ready = await settledImport(roster, tenant, sample('sumsub-applicants.json'), { query: { preset: 'sumsub' } });
    expect(ready).toMatchObject({ status: 'ready', format: 'json', valid_rows: 3, fix_counts: {}, warnings: [] });
    await startAndFinish(roster, tenant, ready.id);
    const users = await usersOf(roster, tenant);
    expect(users.map((user) => [user.vendor_data, user.email, user.phone, user.country])).toEqual([
      ['customer-1001', 'eva.m@example.com', '+33612345678', 'FRA'],
      ['customer-1002', 'farid@example.com', '+971501234567', 'ARE'],
      ['customer-1003', null, null, 'NOR'],
    ]);
    expect(users[0]!.metadata).toEqual({
      sumsub_applicant_id: '5b594ade0a975a36c9349e66',
      source_created_at: '2024-02-05T10:11:12.000Z',
      sumsub_level: 'basic-kyc-level',
      first_name: 'Eva',
      last_name: 'Martin',
      date_of_birth: '1990-04-02',
      nationality: 'FRA',
      sumsub_review_status: 'completed',
      sumsub_review_result: { reviewAnswer: 'GREEN' },
    });
  });
});
