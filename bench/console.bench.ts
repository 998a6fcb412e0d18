/**
 * Console users-page benchmark: p50/p95 of each query shape the users page and the overview send
 * (list, filters, search, sorts, the total count, the overview's aggregates) through the HTTP API,
 * with N users in one application. (It took in bench/users-console.bench.ts, which timed the sorted
 * first pages, the totals and the overview as functions, without HTTP.)
 *
 *   npm run bench:console                 (20,000 users: the CI size)
 *   npm run bench:console -- 1000000      (1,000,000 users)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:console -- 1000000
 *   CONSOLE_BENCH_REQUESTS=100            (requests per shape, default 40)
 *
 * Roster runs in this process on a free port. Users are loaded with INSERT … SELECT (names from
 * small lists, so a name search matches many users, an id search few), plus a second application
 * holding a tenth as many, then VACUUM ANALYZE; a tenth have no display name and a third no last
 * activity (the name and last-activity sorts put them last). Requests run one after another; the
 * ratio columns are each shape's p50 against GET /healthz's p50 (the HTTP round trip's floor) and
 * against the default list's (newest first, index-backed), both in the same run.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { freePort } from '../test/global-setup.ts';
import { dropBenchSchemas, runBench, benchDatabase } from './bench-support.ts';

const userCount = Number(process.argv[2] ?? process.env.CONSOLE_BENCH_USERS ?? 20_000);
const requestsPerShape = Number(process.env.CONSOLE_BENCH_REQUESTS ?? 40);
const LOAD_BATCH = 100_000;

async function loadUsers(db: Kysely<Database>, appId: string, count: number, prefix: string): Promise<void> {
  for (let first = 1; first <= count; first += LOAD_BATCH) {
    const last = Math.min(count, first + LOAD_BATCH - 1);
    await sql`
      INSERT INTO users (app_id, vendor_data, display_name, full_name, email, phone, country, status, tags, metadata, created_at, last_activity_at)
      SELECT ${appId}::uuid, ${prefix} || n,
             CASE WHEN n % 10 = 7 THEN NULL ELSE (ARRAY['Ana','José','Zoë','Li','Sam','Émile','Noor','Kofi','Ines','Mateo'])[1 + n % 10] END,
             (ARRAY['Ana','José','Zoë','Li','Sam','Émile','Noor','Kofi','Ines','Mateo'])[1 + n % 10] || ' ' ||
             (ARRAY['López','Müller','Okafor','Wang','Núñez','Smith','Dubois','Rossi','Kowalski','Haddad'])[1 + (n / 10) % 10],
             'user' || n || '@' || (ARRAY['example.com','mail.test','corp.example','kyc.example'])[1 + n % 4],
             '+3460' || lpad((n % 10000000)::text, 7, '0'), (ARRAY['FRA','ESP','USA','GBR','DEU','ITA'])[1 + n % 6],
             (ARRAY['ACTIVE','ACTIVE','ACTIVE','FLAGGED','BLOCKED'])[1 + n % 5], ARRAY['batch-' || (n % 20)] || CASE WHEN n % 100 = 0 THEN ARRAY['vip'] ELSE '{}' END,
             jsonb_build_object('n', n), timestamptz '2024-01-01' + n * interval '1 second',
             CASE WHEN n % 3 = 0 THEN NULL ELSE timestamptz '2025-01-01' + (n % 5000) * interval '1 minute' END
        FROM generate_series(${first}::int, ${last}::int) AS n`.execute(db);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop: stopEmbedded } = await benchDatabase('console');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const config = parseConfig({
    DATABASE_URL: databaseUrl,
    ROSTER_DB_SCHEMA: schema,
    ROSTER_DATA_DIR: path.join(workDir, 'data'),
    PORT: String(port),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    ROSTER_SECRET: randomBytes(24).toString('hex'),
  });
  const database = connectDatabase(databaseUrl, { schema });
  const ctx = await createContext(config, database, { schema, maintenance: true, log: { info: () => {}, warn: console.warn, error: console.error } });
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const application = await createApplication(ctx.db, org.id, 'Bench application');
    const neighbour = await createApplication(ctx.db, org.id, 'Neighbour application');
    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    await createOperator(ctx.db, { orgId: org.id, email, role: 'OWNER', name: 'Bench owner', password: randomBytes(12).toString('hex') });
    const { token } = await createConsoleToken(ctx.db, email);
    const loadStarted = performance.now();
    await loadUsers(ctx.db, application.id, userCount, 'cust-');
    await loadUsers(ctx.db, neighbour.id, Math.ceil(userCount / 10), 'other-');
    await sql`VACUUM ANALYZE users`.execute(ctx.db);
    const { rows: [server] } = await ctx.database.pool.query<{ server_version: string }>('SHOW server_version');
    console.log(`${userCount.toLocaleString('en')} users (+${Math.ceil(userCount / 10).toLocaleString('en')} in a second application) loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s; PostgreSQL ${server!.server_version} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}); Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; ${requestsPerShape} requests per shape\n`);

    const users = `/api/console/apps/${application.id}/users`;
    const some = Math.max(1, Math.floor(userCount / 3));
    const shapes: [string, string][] = [
      ['GET /healthz (baseline)', '/healthz'],
      ['list, first page', users],
      ['filter status=BLOCKED', `${users}?status=BLOCKED`],
      ['filter country=DEU', `${users}?country=DEU`],
      ['filter tags=vip', `${users}?tags=vip`],
      ['filter status+country+tags', `${users}?status=FLAGGED&country=ESP&tags=batch-3`],
      ['filter created_after', `${users}?created_after=2024-01-01T02:00:00Z`],
      ['sort vendor_data', `${users}?sort=vendor_data`],
      ['sort name (A→Z)', `${users}?sort=name`],
      ['sort last activity (newest)', `${users}?sort=-last_activity_at`],
      ['search id, one match', `${users}?search=cust-${some}`],
      ['search id prefix, few matches', `${users}?search=cust-${String(some).slice(0, 4)}`],
      ['search name, 10% match', `${users}?search=m%C3%BCller`],
      ['search email domain, 25% match', `${users}?search=kyc.example`],
      ['search no match', `${users}?search=zzqx-nothing`],
      ['search two letters', `${users}?search=wa`],
      ['search + status filter', `${users}?search=okafor&status=FLAGGED`],
      ['count, all', `${users}/count`],
      ['count, status=BLOCKED', `${users}/count?status=BLOCKED`],
      ['count, tags=vip', `${users}/count?tags=vip`],
      ['count, search id', `${users}/count?search=cust-${some}`],
      ['count, search name', `${users}/count?search=m%C3%BCller`],
      ['overview (aggregates)', `/api/console/apps/${application.id}/overview`],
    ];
    const headers = { authorization: `Bearer ${token}` };
    let healthzP50 = 0;
    let listP50 = 0;
    console.log('| query shape | p50 ms | p95 ms | p50 vs healthz | p50 vs list | result |');
    console.log('|---|---:|---:|---:|---:|---|');
    for (const [label, url] of shapes) {
      const times: number[] = [];
      let result = '';
      for (let i = 0; i < requestsPerShape + 3; i++) {
        const started = performance.now();
        const response = await fetch(base + url, { headers });
        const body = (await response.json()) as { results?: unknown[]; count?: number; exact?: boolean; next?: string | null };
        const elapsed = performance.now() - started;
        if (response.status !== 200) throw new Error(`${label}: ${response.status} ${JSON.stringify(body)}`);
        if (i >= 3) times.push(elapsed); // three warm-up requests per shape
        result = body.count !== undefined ? `count ${body.count.toLocaleString('en')} (${body.exact ? 'exact' : 'estimate'})` : body.results ? `${body.results.length} rows${body.next ? ', more' : ''}` : 'ok';
        if (result === 'ok' && url.endsWith('/overview')) result = 'aggregates';
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50);
      if (healthzP50 === 0) healthzP50 = p50;
      else if (listP50 === 0) listP50 = p50;
      const vsList = listP50 === 0 ? '' : `${(p50 / listP50).toFixed(1)}×`;
      console.log(`| ${label} | ${p50.toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${(p50 / healthzP50).toFixed(1)}× | ${vsList} | ${result} |`);
    }
  } finally {
    await app.close();
    await closeContext(ctx);
    await dropBenchSchemas(databaseUrl, schema);
    await stopEmbedded();
    rmSync(workDir, { recursive: true, force: true });
  }
}

runBench(main);
