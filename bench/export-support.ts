/** What the export benchmarks share (bench/export.bench.ts, bench/export-parquet.bench.ts): the users they export and one export through the API. */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { type Config, parseConfig } from '../src/config/config.ts';
import { type AppContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { allJobs } from '../src/features/index.ts';
import { freePort } from '../test/global-setup.ts';

const LOAD_BATCH = 1_000_000;

export interface ExportBench {
  ctx: AppContext;
  app: FastifyInstance;
  config: Config;
  appId: string;
  /** An OWNER's console token. */
  token: string;
}

/**
 * Roster in this process (HTTP on a free port and the export worker, rate limits off) on `schema`, an
 * application holding `rowCount` users (the search indexes, which no export reads, dropped for the load),
 * and an OWNER to request exports. The caller closes `app` and `ctx`.
 */
export async function startExportBench(databaseUrl: string, schema: string, dataDir: string, rowCount: number): Promise<ExportBench> {
  const port = await freePort();
  const config = parseConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    ROSTER_DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: '',
    STORAGE_URL: '',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
  });
  const database = connectDatabase(databaseUrl, { schema });
  const ctx = await createContext(config, database, { schema, maintenance: true, log: { info: () => {}, warn: console.warn, error: console.error } });
  await ctx.jobs.start(allJobs);
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  await ctx.jobs.work(allJobs, ctx);
  const org = await createOrganization(ctx.db, 'Bench organization');
  const application = await createApplication(ctx.db, org.id, 'Bench application');
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  await createOperator(ctx.db, { orgId: org.id, email, role: 'OWNER', name: 'Bench owner', password: randomBytes(12).toString('hex') });
  const { token } = await createConsoleToken(ctx.db, email);
  // The search indexes (trigram GIN, tags GIN) cost 50–100 µs per written row and no export reads them:
  // loading 10,000,000 users with them would take most of an hour. They are dropped for the load only.
  await sql`DROP INDEX IF EXISTS users_search_trgm_idx, users_tags_idx`.execute(ctx.db);
  await loadExportBenchUsers(ctx.db, application.id, rowCount);
  await sql`VACUUM ANALYZE users`.execute(ctx.db);
  return { ctx, app, config, appId: application.id, token };
}

/** `rowCount` users with every export column holding a value, so the formatting cost is measured in full. */
export async function loadExportBenchUsers(db: Kysely<Database>, appId: string, rowCount: number): Promise<void> {
  for (let first = 1; first <= rowCount; first += LOAD_BATCH) {
    const last = Math.min(rowCount, first + LOAD_BATCH - 1);
    await sql`
      INSERT INTO users (app_id, vendor_data, display_name, full_name, date_of_birth, email, phone, country, status, tags, metadata,
                         session_count, approved_count, declined_count, in_review_count, first_session_at, last_session_at, last_activity_at, created_at, updated_at)
      SELECT ${appId}::uuid, 'customer-' || n, 'User ' || n, 'Full Name ' || n, date '1950-01-01' + (n % 20000),
             'user' || n || '@example.com', '+3460' || lpad((n % 10000000)::text, 7, '0'), (ARRAY['FRA','ESP','USA','GBR'])[1 + n % 4],
             (ARRAY['ACTIVE','ACTIVE','FLAGGED','BLOCKED'])[1 + n % 4], ARRAY['bench', 't' || (n % 10)], jsonb_build_object('tier', 'gold', 'n', n),
             n % 7, n % 5, n % 3, n % 2, timestamptz '2025-01-01' + n * interval '1 second', timestamptz '2025-06-01' + n * interval '1 second',
             timestamptz '2025-06-02' + n * interval '1 second', timestamptz '2024-01-01' + n * interval '10 millisecond', now()
      FROM generate_series(${first}::int, ${last}::int) AS n`.execute(db);
  }
}

function curlDownload(url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['--silent', '--show-error', '--fail', '--output', file, url], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited with ${code}`))));
  });
}

export interface RosterRun {
  /** From the export row: request → worker picked it up, and the worker's COPY → stored file. */
  pickupMs: number;
  workMs: number;
  totalMs: number;
  toCompletedMs: number;
  downloadMs: number;
  bytes: number;
  rowCount: number;
}

/**
 * One export through the HTTP API as a script would: request (`body`, e.g. `{"format": "parquet"}`), poll
 * until it ends, download the first file with curl; with the times the export row recorded.
 */
export async function runRoster(ctx: AppContext, baseUrl: string, appId: string, token: string, file: string, body: Record<string, unknown> = {}): Promise<RosterRun> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = performance.now();
  const requested = await fetch(`${baseUrl}/api/console/apps/${appId}/exports`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (requested.status !== 202) throw new Error(`export request answered ${requested.status}: ${await requested.text()}`);
  const { id } = (await requested.json()) as { id: string };
  let view: { status: string; download_url: string | null; row_count: number | null; error: string | null };
  for (;;) {
    view = (await (await fetch(`${baseUrl}/api/console/apps/${appId}/exports/${id}`, { headers })).json()) as typeof view;
    if (view.status !== 'queued' && view.status !== 'running') break;
    // As a script would poll; each poll is a request Roster serves, so not too often.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (view.status !== 'completed') throw new Error(`export ${id} ended ${view.status}: ${view.error}`);
  const completed = performance.now();
  // The emailed link points at PUBLIC_URL; the bench's server listens on the same address.
  await curlDownload(view.download_url!, file);
  const finished = performance.now();
  const row = await ctx.db.selectFrom('exports').select(['created_at', 'started_at', 'finished_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const pickupMs = row.started_at!.getTime() - row.created_at.getTime();
  const workMs = row.finished_at!.getTime() - row.started_at!.getTime();
  return { pickupMs, workMs, totalMs: finished - started, toCompletedMs: completed - started, downloadMs: finished - completed, bytes: statSync(file).size, rowCount: view.row_count! };
}
