import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import Papa from 'papaparse';
import { SMTPServer } from 'smtp-server';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../harness.ts';
import type { AppContext } from '../../src/context.ts';
import type { UsersTable } from '../../src/db/schema.ts';
import { type Insertable, sql } from 'kysely';

/** Shared by the export tests: real rows, a real SMTP server, the real HTTP API. */

export type SeedUser = Partial<Omit<Insertable<UsersTable>, 'app_id' | 'created_at'>> & { vendor_data: string; created_at?: Date | string };

export async function seedUsers(ctx: AppContext, appId: string, users: SeedUser[]): Promise<void> {
  if (users.length === 0) return;
  await ctx.db
    .insertInto('users')
    .values(users.map((user) => ({ ...user, app_id: appId, created_at: user.created_at as Date | undefined, metadata: user.metadata === undefined ? undefined : JSON.stringify(user.metadata) })))
    .execute();
}

/**
 * A roster with a worker (unless `worker: false`), and a tenant whose application holds `rows` numbered users
 * (`${prefix}1`…, with a name and an email), created one a second from 2026-01-01.
 */
export async function startRosterWithUsers(prefix: string, rows: number, options: { worker?: boolean } = {}): Promise<{ roster: TestRoster; tenant: TestTenant }> {
  const roster = await startTestRoster();
  if (options.worker !== false) await roster.startWorker();
  const tenant = await createTestTenant(roster.ctx);
  await sql`
    INSERT INTO users (app_id, vendor_data, display_name, email, created_at)
    SELECT ${tenant.appId}::uuid, ${prefix} || g, 'Name ' || g, 'u' || g || '@example.com', timestamptz '2026-01-01' + g * interval '1 second'
    FROM generate_series(1, ${rows}::int) g
  `.execute(roster.ctx.db);
  return { roster, tenant };
}

export interface ExportJsonForTest {
  id: string;
  status: string;
  row_count: number | null;
  download_url: string | null;
  expires_at: string | null;
  error: string | null;
  columns: string[];
  filters: Record<string, unknown>;
  [key: string]: unknown;
}

export async function requestExportAs(
  roster: TestRoster,
  auth: Record<string, string>,
  appId: string,
  body: Record<string, unknown> = {},
): Promise<{ statusCode: number; json: any }> {
  const response = await roster.app.inject({ method: 'POST', url: `/api/console/apps/${appId}/exports`, headers: auth, payload: body });
  return { statusCode: response.statusCode, json: response.json() };
}

/** Polls the export until it leaves queued/running (the worker runs in the test process). */
export async function waitForExport(roster: TestRoster, auth: Record<string, string>, appId: string, exportId: string, timeoutMs = 60_000): Promise<ExportJsonForTest> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${appId}/exports/${exportId}`, headers: auth });
    const body = response.json() as ExportJsonForTest;
    if (body.status !== 'queued' && body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`export ${exportId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The path and query of a download link, for app.inject. */
export function linkPath(downloadUrl: string): string {
  const url = new URL(downloadUrl);
  return `${url.pathname}${url.search}`;
}

export async function download(roster: TestRoster, downloadUrl: string) {
  return roster.app.inject({ method: 'GET', url: linkPath(downloadUrl) });
}

/** Parses an export file the way a spreadsheet would: BOM, header, RFC 4180 quoting. */
export function parseExportCsv(body: string): { bom: boolean; header: string[]; rows: Record<string, string>[] } {
  const bom = body.startsWith('\uFEFF');
  const parsed = Papa.parse<string[]>(bom ? body.slice(1) : body, { delimiter: ',', skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`CSV does not parse: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  const [header, ...data] = parsed.data;
  return { bom, header, rows: data.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index]]))) };
}

export interface TestSmtp {
  port: number;
  url: string;
  messages: ParsedMail[];
  waitFor(predicate: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching mail after ${timeoutMs} ms (got: ${messages.map((m) => m.subject).join(' / ')})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function recipients(mail: ParsedMail): string {
  const to = mail.to;
  return Array.isArray(to) ? to.map((address) => address.text).join(', ') : (to?.text ?? '');
}

export async function auditActions(ctx: AppContext, orgId: string, exportId: string) {
  return ctx.db
    .selectFrom('audit_logs')
    .select(['action', 'actor_type', 'actor_id', 'details', 'ip', 'outcome'])
    .where('org_id', '=', orgId)
    .where('target_id', '=', exportId)
    .orderBy('id')
    .execute();
}
