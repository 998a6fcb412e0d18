import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { signedExportUrl } from './export-link.ts';
import { EXPORT_RETRY_LIMIT, exportJobTestHooks } from './export.job.ts';
import {
  auditActions,
  download,
  linkPath,
  parseExportCsv,
  recipients,
  requestExportAs,
  seedUsers,
  startTestSmtp,
  type TestSmtp,
  waitForExport,
} from '../../../test/support/exports.ts';

let smtp: TestSmtp;
let roster: TestRoster;
let tenant: TestTenant;

beforeAll(async () => {
  smtp = await startTestSmtp();
  roster = await startTestRoster({ SMTP_URL: smtp.url, EXPORT_LINK_TTL: '2h' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  await seedUsers(
    roster.ctx,
    tenant.appId,
    Array.from({ length: 25 }, (_, i) => ({ vendor_data: `d-${i}`, email: `d${i}@example.com`, status: i < 10 ? ('FLAGGED' as const) : ('ACTIVE' as const) })),
  );
});

afterAll(async () => {
  await roster?.close();
  await smtp?.close();
});

afterEach(() => {
  delete exportJobTestHooks.onChunk;
});

const admin = () => tenant.operators.ADMIN;

async function completedExport(body: Record<string, unknown> = { filters: { status: ['FLAGGED'] } }) {
  const { json } = await requestExportAs(roster, admin().auth, tenant.appId, body);
  const done = await waitForExport(roster, admin().auth, tenant.appId, json.id);
  expect(done.status).toBe('completed');
  return done;
}

describe('when an export completes', () => {
  it('emails the requester the link, the row count and when the link expires', async () => {
    const done = await completedExport();
    const mail = await smtp.waitFor((message) => (message.text ?? '').includes(done.id));
    expect(recipients(mail)).toBe(admin().email);
    expect(mail.subject).toBe('Your Roster export is ready (10 users)');
    expect(mail.text).toContain(done.download_url!);
    expect(mail.text).toContain(`${done.expires_at!.slice(0, 16).replace('T', ' ')} UTC`);
    expect(mail.html).toContain('href="http://roster.test/api/console/exports/');
    const expiresIn = Date.parse(done.expires_at!) - Date.now();
    expect(expiresIn).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(2 * 3600_000);
  });

  it('lets anyone holding the emailed link download the file, without a session', async () => {
    const done = await completedExport();
    const mail = await smtp.waitFor((message) => (message.text ?? '').includes(done.id));
    const link = /(http:\/\/roster\.test\/\S+)/.exec(mail.text!)![1];
    const response = await roster.app.inject({ method: 'GET', url: linkPath(link) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length);
    expect(parseExportCsv(response.body).rows).toHaveLength(10);
  });

  it('audits requested, completed with the row count, and each download with the requester and IP', async () => {
    const done = await completedExport();
    await roster.app.inject({ method: 'GET', url: linkPath(done.download_url!), remoteAddress: '203.0.113.9' });
    const entries = await auditActions(roster.ctx, tenant.orgId, done.id);
    expect(entries.map((entry) => entry.action)).toEqual(['export.requested', 'export.completed', 'export.downloaded']);
    expect(entries[1].details).toMatchObject({ row_count: 10 });
    expect(entries[2]).toMatchObject({ ip: '203.0.113.9', details: { requested_by: { id: admin().id, email: admin().email }, via: 'signed_link' } });
  });
});

describe('a download link', () => {
  let done: Awaited<ReturnType<typeof completedExport>>;
  beforeAll(async () => {
    done = await completedExport({ columns: ['vendor_data'] });
  });

  const withParam = (url: string, name: string, value: string) => {
    const parsed = new URL(url);
    parsed.searchParams.set(name, value);
    return parsed.toString();
  };

  it('that was tampered with is 403 invalid_signature', async () => {
    const sig = new URL(done.download_url!).searchParams.get('sig')!;
    const flipped = `${sig[0] === 'a' ? 'b' : 'a'}${sig.slice(1)}`;
    const expires = Number(new URL(done.download_url!).searchParams.get('expires'));
    const other = await completedExport({ columns: ['status'] });
    const tampered = [
      withParam(done.download_url!, 'sig', flipped),
      withParam(done.download_url!, 'expires', String(expires + 86_400)),
      withParam(done.download_url!, 'sig', ''),
      done.download_url!.replace(done.id, other.id),
      done.download_url!.split('?')[0],
    ];
    for (const url of tampered) {
      const response = await download(roster, url);
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({ url, status: 403, code: 'invalid_signature' });
    }
    const audited = await auditActions(roster.ctx, tenant.orgId, done.id);
    expect(audited.map((entry) => entry.action)).not.toContain('export.downloaded');
  });

  it('answers a HEAD request (as mail scanners send) without counting it as a download', async () => {
    const response = await roster.app.inject({ method: 'HEAD', url: linkPath(done.download_url!) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(Number(response.headers['content-length'])).toBeGreaterThan(0);
    expect(response.body).toBe('');
    const audited = await auditActions(roster.ctx, tenant.orgId, done.id);
    expect(audited.map((entry) => entry.action)).not.toContain('export.downloaded');
  });

  it('past its expiry is 403 link_expired', async () => {
    const expired = signedExportUrl(roster.config.PUBLIC_URL, roster.config.ROSTER_SECRET, done.id, new Date(Date.now() - 1000));
    const response = await download(roster, expired);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('link_expired');
  });

  it('disappears from the export once the export itself has expired', async () => {
    await roster.ctx.db.updateTable('exports').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', done.id).execute();
    const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${done.id}`, headers: admin().auth });
    expect(response.json()).toMatchObject({ status: 'completed', download_url: null });
    expect((await download(roster, done.download_url!)).json().error.code).toBe('link_expired');
  });
});

describe('when an export fails', () => {
  it('retries, then marks it failed with the reason, audits it and emails the requester', { timeout: 60_000 }, async () => {
    // The hook goes in before the request: the worker may pick the job up before the request returns.
    const attemptsByExport = new Map<string, number[]>();
    exportJobTestHooks.onChunk = ({ exportId, attempt }) => {
      attemptsByExport.set(exportId, [...(attemptsByExport.get(exportId) ?? []), attempt]);
      throw new Error('disk on fire');
    };
    const { json } = await requestExportAs(roster, admin().auth, tenant.appId, { columns: ['vendor_data'] });
    const done = await waitForExport(roster, admin().auth, tenant.appId, json.id);
    const attempts = attemptsByExport.get(json.id) ?? [];
    expect(done).toMatchObject({ status: 'failed', download_url: null, row_count: null, error: 'The export could not be written: disk on fire' });
    expect([...new Set(attempts)]).toEqual(Array.from({ length: EXPORT_RETRY_LIMIT + 1 }, (_, i) => i));
    const mail = await smtp.waitFor((message) => (message.text ?? '').includes(json.id));
    expect(recipients(mail)).toBe(admin().email);
    expect(mail.subject).toBe('Your Roster export failed');
    expect(mail.text).toContain('Reason: The export could not be written: disk on fire');
    const entries = await auditActions(roster.ctx, tenant.orgId, json.id);
    expect(entries.map((entry) => entry.action)).toEqual(['export.requested', 'export.failed']);
    expect(entries[1]).toMatchObject({ outcome: 'failure', details: { reason: 'The export could not be written: disk on fire' } });
    const files = await readdir(path.join(roster.dataDir, 'files', 'exports', tenant.appId, json.id)).catch(() => []);
    expect(files).toEqual([]);
  });
});

describe('without SMTP_URL', () => {
  let outboxRoster: TestRoster;
  beforeAll(async () => {
    outboxRoster = await startTestRoster();
    await outboxRoster.startWorker();
  });
  afterAll(async () => {
    await outboxRoster?.close();
  });

  it('writes the email with the link to the outbox folder', async () => {
    const other = await createTestTenant(outboxRoster.ctx);
    await seedUsers(outboxRoster.ctx, other.appId, [{ vendor_data: 'only-one' }]);
    const { json } = await requestExportAs(outboxRoster, other.operators.OWNER.auth, other.appId, {});
    const done = await waitForExport(outboxRoster, other.operators.OWNER.auth, other.appId, json.id);
    const outbox = path.join(outboxRoster.dataDir, 'outbox');
    let names: string[] = [];
    for (let i = 0; i < 100 && names.length === 0; i++) {
      names = (await readdir(outbox).catch(() => [])).filter((name) => name.endsWith('.eml'));
      if (names.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(names).toHaveLength(1);
    const mail = await simpleParser(await readFile(path.join(outbox, names[0])));
    expect(recipients(mail)).toBe(other.operators.OWNER.email);
    expect(mail.subject).toBe('Your Roster export is ready (1 user)');
    expect(mail.text).toContain(done.download_url!);
  });
});
