import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';

/** The record of processing and the privacy settings it is built from (docs/privacy.md#record-of-processing). */

let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  roster = await startTestRoster({ AUDIT_API_READS: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  tenant = await createTestTenant(roster.ctx);
});

afterAll(async () => {
  await roster?.close();
});

const url = (suffix: string, appId = tenant.appId) => `/api/console/apps/${appId}${suffix}`;

describe('the record of processing', () => {
  it('says what is not set yet, then carries the purposes, sources and controller set in the settings', async () => {
    const owner = tenant.operators.OWNER.auth;
    const empty = (await roster.app.inject({ method: 'GET', url: url('/processing-record'), headers: owner })).json();
    expect(empty).toMatchObject({ application: { id: tenant.appId }, purposes: [], sources: [], controller: null, settings_updated: null });
    expect(empty.not_set).toHaveLength(3);
    expect(empty.data_categories.find((category: { category: string }) => category.category === 'Identity and contact data').fields).toEqual(expect.arrayContaining(['full_name', 'email', 'phone', 'date_of_birth']));
    expect(empty.security_measures).toContain('Reads through API keys are recorded (AUDIT_API_READS=true)');

    const officer = tenant.operators.COMPLIANCE_OFFICER;
    const put = await roster.app.inject({
      method: 'PUT',
      url: url('/privacy-settings'),
      headers: officer.auth,
      payload: { purposes: ['Know-your-customer checks <for AML>'], sources: ['The customer, at sign-up', 'Identity verification sessions'], controller: 'Acme Bank SA, dpo@acme.example' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ purposes: ['Know-your-customer checks <for AML>'], controller: 'Acme Bank SA, dpo@acme.example', updated_by: officer.email });
    const webhook = await roster.app.inject({ method: 'POST', url: url('/webhooks'), headers: owner, payload: { url: 'http://127.0.0.1:9/roster', events: ['user.updated'] } });
    expect(webhook.statusCode, webhook.body).toBe(201);

    // Retention comes from the application's own settings (docs/privacy.md#retention), defaults elsewhere.
    expect(empty.retention).toEqual(expect.arrayContaining([expect.objectContaining({ category: expect.stringMatching(/^Face images/), kept: '3y' })]));
    expect((await roster.app.inject({ method: 'PUT', url: url('/retention'), headers: owner, payload: { faces: '1y' } })).statusCode).toBe(200);

    const record = (await roster.app.inject({ method: 'GET', url: url('/processing-record'), headers: owner })).json();
    expect(record.retention).toEqual(expect.arrayContaining([expect.objectContaining({ category: expect.stringMatching(/^Face images/), kept: '1y' })]));
    expect(record).toMatchObject({ purposes: ['Know-your-customer checks <for AML>'], sources: ['The customer, at sign-up', 'Identity verification sessions'], controller: 'Acme Bank SA, dpo@acme.example', not_set: [] });
    expect(record.recipients).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'webhook_endpoint', destination: expect.stringContaining('http://127.0.0.1:9/roster') })]));
    expect(record.settings_updated.by).toBe(officer.email);

    const page = await roster.app.inject({ method: 'GET', url: url('/processing-record?format=html'), headers: owner });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('Know-your-customer checks &lt;for AML&gt;');
    expect(page.body).toContain('Acme Bank SA');

    const audit = await roster.ctx.db.selectFrom('audit_logs').select(['details', 'actor_label']).where('action', '=', 'privacy_settings.changed').execute();
    expect(audit).toEqual([{ actor_label: officer.email, details: { changes: expect.objectContaining({ purposes: { from: [], to: ['Know-your-customer checks <for AML>'] }, controller: { from: null, to: 'Acme Bank SA, dpo@acme.example' } }) } }]);
  });

  it('refuses bad input without changing anything, other roles (403) and other organizations (404)', async () => {
    const admin = tenant.operators.ADMIN.auth;
    const before = (await roster.app.inject({ method: 'GET', url: url('/privacy-settings'), headers: admin })).json();
    for (const payload of [{ purposes: [''] }, { purposes: 'one' }, { sources: Array.from({ length: 51 }, (_, i) => `s${i}`) }, { retention: {} }, { controller: 'x'.repeat(1001) }]) {
      const response = await roster.app.inject({ method: 'PUT', url: url('/privacy-settings'), headers: admin, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(422);
    }
    expect((await roster.app.inject({ method: 'GET', url: url('/privacy-settings'), headers: admin })).json()).toEqual(before);
    for (const role of ['DEVELOPER', 'READER'] as const) {
      expect((await roster.app.inject({ method: 'GET', url: url('/processing-record'), headers: tenant.operators[role].auth })).statusCode).toBe(403);
      expect((await roster.app.inject({ method: 'PUT', url: url('/privacy-settings'), headers: tenant.operators[role].auth, payload: { purposes: ['x'] } })).statusCode).toBe(403);
    }
    const other = await createTestTenant(roster.ctx);
    expect((await roster.app.inject({ method: 'GET', url: url('/processing-record'), headers: other.operators.OWNER.auth })).statusCode).toBe(404);
    expect((await roster.app.inject({ method: 'PUT', url: url('/privacy-settings'), headers: other.operators.OWNER.auth, payload: { purposes: ['x'] } })).statusCode).toBe(404);
  });
});
