/**
 * Reading the change feed (docs/change-feed.md): a consumer pages through `--changes` changes (default
 * 1,000,000) with GET /v3/user-changes/?limit=1000 over HTTP, parsing every page. Issue 21 asks for at
 * least 50,000 changes/s. Beside it, in the same run, on the same rows:
 * - the page query alone (readChangePage straight to PostgreSQL, no HTTP, no parsing): the floor the
 *   HTTP consumer's rate is a ratio of;
 * - the page query as it was before 2026-12-08 (json_build_object per change on every read, `--old 0` skips it).
 * Results: bench/RESULTS.md, "Change feed read".
 *
 *   DATABASE_URL=postgres://… node --import tsx bench/feed-read.bench.ts [--changes N] [--old 0]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { createApiKey, createApplication, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { readChangePage } from '../src/features/users/index.ts';
import { freePort } from '../test/global-setup.ts';
import { argument, benchDatabase, dropBenchSchemas, runBench } from './bench-support.ts';

const changes = argument('changes', 1_000_000);
const withOldQuery = !process.argv.includes('--old') || process.argv[process.argv.indexOf('--old') + 1] !== '0';
const PAGE = 1000;

/** The page query before the migration 2026-12-08T0030-feed-change-head: every change's JSON built on each read. */
const perReadJsonSql = `
WITH fetched AS MATERIALIZED (
  SELECT c.* FROM user_changes c WHERE c.app_id = $1::uuid AND c.seq > $2::bigint ORDER BY c.seq LIMIT $3::int + 1
), page AS MATERIALIZED (
  SELECT * FROM fetched c ORDER BY c.seq LIMIT $3::int
)
SELECT (SELECT coalesce(json_agg(json_build_object('seq', c.seq, 'event_id', c.event_id, 'type', c.type,
  'occurred_at', to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  'didit_internal_id', c.didit_internal_id, 'vendor_data', c.vendor_data, 'changes', c.changes, 'reason', c.reason,
  'actor', c.actor, 'source', c.source, 'user', c.user_json) ORDER BY c.seq), '[]')::text FROM page c) AS json,
  (SELECT count(*) FROM page)::int AS count, (SELECT max(seq) FROM page) AS last, (SELECT count(*) FROM fetched)::int > $3::int AS has_more`;

/** Pages through the whole feed with `readPage`; returns the seconds it took and the changes seen. */
async function pageThrough(readPage: (after: number) => Promise<{ count: number; last: number | null; hasMore: boolean }>): Promise<{ seconds: number; seen: number; slowestMs: number }> {
  const started = performance.now();
  let after = 0;
  let seen = 0;
  let slowestMs = 0;
  for (;;) {
    const pageStarted = performance.now();
    const page = await readPage(after);
    slowestMs = Math.max(slowestMs, performance.now() - pageStarted);
    seen += page.count;
    after = page.last ?? after;
    if (!page.hasMore) break;
  }
  if (seen !== changes) throw new Error(`read ${seen} changes, expected ${changes}`);
  return { seconds: (performance.now() - started) / 1000, seen, slowestMs };
}

const rate = (result: { seconds: number; seen: number }) => Math.round(result.seen / result.seconds);
const load = () => os.loadavg()[0]!.toFixed(1);

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop } = await benchDatabase('feed-read');
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
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const application = await createApplication(ctx.db, org.id, 'Bench application');
    const key = await createApiKey(ctx.db, application.id, { name: 'bench' });
    const loading = performance.now();
    // Changes shaped as an import's: an update with two fields and the user object after it.
    await sql`
      INSERT INTO user_changes (app_id, seq, type, occurred_at, didit_internal_id, vendor_data, changes, reason, actor, source, user_json)
      SELECT ${application.id}::uuid, g, 'user.updated', now(), gen_random_uuid(), 'customer-' || g,
             jsonb_build_object('email', jsonb_build_object('from', 'old' || g || '@example.com', 'to', 'new' || g || '@example.com'),
                                'tags', jsonb_build_object('from', '[]'::jsonb, 'to', '["vip"]'::jsonb)),
             NULL, '{"type": "operator", "id": "00000000-0000-4000-8000-000000000000"}', jsonb_build_object('kind', 'import', 'id', gen_random_uuid()),
             json_build_object('didit_internal_id', gen_random_uuid(), 'vendor_data', 'customer-' || g, 'display_name', 'Name ' || g, 'effective_name', 'Name ' || g,
               'full_name', NULL, 'date_of_birth', NULL, 'email', 'new' || g || '@example.com', 'phone', NULL, 'country', 'ESP', 'status', 'ACTIVE',
               'tags', '["vip"]'::json, 'metadata', '{"tier": "gold"}'::json, 'verified_at', NULL, 'session_count', 0, 'approved_count', 0,
               'declined_count', 0, 'in_review_count', 0, 'first_session_at', NULL, 'last_session_at', NULL, 'last_activity_at', NULL,
               'created_at', '2026-12-07T10:00:00.000Z', 'updated_at', '2026-12-07T10:00:00.000Z')
        FROM generate_series(1, ${changes}::int) g`.execute(ctx.db);
    await sql`INSERT INTO app_change_counters (app_id, last_seq) VALUES (${application.id}::uuid, ${changes})`.execute(ctx.db);
    await sql`VACUUM ANALYZE user_changes`.execute(ctx.db);
    console.log(`${changes.toLocaleString('en')} changes loaded in ${((performance.now() - loading) / 1000).toFixed(1)} s; Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);

    const pool = ctx.database.pool;
    const database = await pageThrough((after) => readChangePage(pool, application.id, { after, limit: PAGE }));
    console.log(`page query alone: ${rate(database).toLocaleString('en')} changes/s (${database.seconds.toFixed(1)} s, slowest page ${database.slowestMs.toFixed(0)} ms); load average ${load()}`);
    if (withOldQuery) {
      const old = await pageThrough(async (after) => {
        const [row] = (await pool.query<{ json: string; count: number; last: string | null; has_more: boolean }>(perReadJsonSql, [application.id, after, PAGE])).rows;
        return { count: row!.count, last: row!.last === null ? null : Number(row!.last), hasMore: row!.has_more };
      });
      console.log(`page query building JSON per read (before 2026-12-08): ${rate(old).toLocaleString('en')} changes/s, ${(old.seconds / database.seconds).toFixed(2)}x the stored JSON's time; load average ${load()}`);
    }

    const http = await pageThrough(async (after) => {
      const response = await fetch(`http://127.0.0.1:${port}/v3/user-changes/?after=${after}&limit=${PAGE}`, { headers: { 'x-api-key': key.api_key } });
      const page = (await response.json()) as { results: { seq: number }[]; next_after: number; has_more: boolean };
      return { count: page.results.length, last: page.next_after, hasMore: page.has_more };
    });
    console.log(
      `HTTP consumer (GET /v3/user-changes/, ${PAGE} a page, parsed): ${rate(http).toLocaleString('en')} changes/s (${http.seconds.toFixed(1)} s, slowest page ${http.slowestMs.toFixed(0)} ms), ` +
        `${(http.seconds / database.seconds).toFixed(2)}x the page query alone; load average ${load()}`,
    );
  } finally {
    await app.close();
    await closeContext(ctx);
    await dropBenchSchemas(databaseUrl, schema);
    await stop();
  }
}

runBench(main);
