/**
 * Reads on record (docs/privacy.md#reads-on-record): what the audit entry naming the users a list page
 * showed costs the console's users list. The same request (GET …/users, 50 a page, newest first, and a
 * filtered page) is timed with the entry written and with it skipped (a bench-only switch), in
 * alternating rounds on one process so both see the same load; the ratio is with ÷ without.
 *
 *   npm run bench:reads                      (20,000 users, 300 requests a side)
 *   READS_BENCH_REQUESTS=600 npm run bench:reads -- 200000
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:reads
 *
 * The audit log is first given 200,000 older entries (a tenth of them list pages naming 50 users), so
 * the entry lands in a table and index of some size.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { createApplication, createConsoleToken, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { usersReadsBenchHooks } from '../src/features/users/users-reads.ts';
import { freePort } from '../test/global-setup.ts';
import { benchDatabase, dropBenchSchemas, runBench } from './bench-support.ts';

const userCount = Number(process.argv[2] ?? process.env.READS_BENCH_USERS ?? 20_000);
const requests = Number(process.env.READS_BENCH_REQUESTS ?? 300);
const ROUND = 20;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop } = await benchDatabase('reads');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const config = parseConfig({
    DATABASE_URL: databaseUrl,
    ROSTER_DB_SCHEMA: schema,
    ROSTER_DATA_DIR: path.join(workDir, 'data'),
    PORT: String(port),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    ROSTER_SECRET: randomBytes(24).toString('hex'),
  });
  const ctx = await createContext(config, connectDatabase(databaseUrl, { schema }), { schema, maintenance: true, log: { info: () => {}, warn: console.warn, error: console.error } });
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  try {
    const org = await createOrganization(ctx.db, 'Bench organization');
    const application = await createApplication(ctx.db, org.id, 'Bench application');
    const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
    await createOperator(ctx.db, { orgId: org.id, email, role: 'ADMIN', name: 'Bench admin', password: randomBytes(12).toString('hex') });
    const { token } = await createConsoleToken(ctx.db, email);
    await sql`
      INSERT INTO users (app_id, vendor_data, full_name, email, phone, country, status, tags, created_at)
      SELECT ${application.id}::uuid, 'cust-' || n, 'Name ' || n, 'user' || n || '@example.com', '+3460' || lpad(n::text, 7, '0'),
             (ARRAY['FRA','ESP','USA','DEU'])[1 + n % 4], (ARRAY['ACTIVE','ACTIVE','FLAGGED','BLOCKED'])[1 + n % 4], ARRAY['batch-' || (n % 20)],
             timestamptz '2024-01-01' + n * interval '1 second'
        FROM generate_series(1, ${userCount}::int) n`.execute(ctx.db);
    await sql`
      INSERT INTO audit_logs (org_id, app_id, actor_type, actor_id, actor_label, action, details, subject_ids)
      SELECT ${org.id}::uuid, ${application.id}::uuid, 'operator', NULL, ${email}, CASE WHEN n % 10 = 0 THEN 'users.listed' ELSE 'user.updated' END, '{}'::jsonb,
             CASE WHEN n % 10 = 0 THEN (SELECT array_agg(didit_internal_id) FROM (SELECT didit_internal_id FROM users WHERE app_id = ${application.id}::uuid OFFSET (n % 300) * 50 LIMIT 50) s) END
        FROM generate_series(1, 200000) n`.execute(ctx.db);
    await sql`VACUUM ANALYZE users`.execute(ctx.db);
    await sql`VACUUM ANALYZE audit_logs`.execute(ctx.db);

    const base = `http://127.0.0.1:${port}/api/console/apps/${application.id}/users`;
    const headers = { authorization: `Bearer ${token}` };
    const shapes: [string, string][] = [['list, first page (50)', `${base}?page_size=50`], ['filter status=FLAGGED (50)', `${base}?page_size=50&status=FLAGGED`]];
    console.log(`${userCount.toLocaleString('en')} users, 200,000 earlier audit entries; ${requests} requests a side in rounds of ${ROUND}; Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}\n`);
    console.log('| page | without: p50 ms | mean ms | with entry: p50 ms | mean ms | ratio (p50) | ratio (mean) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [label, url] of shapes) {
      const times = { with: [] as number[], without: [] as number[] };
      const entriesBefore = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs WHERE action = 'users.listed'`.execute(ctx.db)).rows[0]!.n);
      for (let done = 0; done < requests * 2 + ROUND * 2; done += ROUND) {
        const side = (done / ROUND) % 2 === 0 ? 'with' : 'without';
        usersReadsBenchHooks.skipRecording = side === 'without';
        for (let i = 0; i < ROUND; i++) {
          const started = performance.now();
          const response = await fetch(url, { headers });
          const body = (await response.json()) as { results: unknown[] };
          const elapsed = performance.now() - started;
          if (response.status !== 200 || body.results.length !== 50) throw new Error(`${label}: ${response.status}`);
          // The first round of each side warms up.
          if (done >= ROUND * 2) times[side].push(elapsed);
        }
      }
      usersReadsBenchHooks.skipRecording = false;
      const written = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_logs WHERE action = 'users.listed'`.execute(ctx.db)).rows[0]!.n) - entriesBefore;
      const [withTimes, withoutTimes] = [times.with.sort((a, b) => a - b), times.without.sort((a, b) => a - b)];
      console.log(
        `| ${label} | ${percentile(withoutTimes, 50).toFixed(2)} | ${mean(withoutTimes).toFixed(2)} | ${percentile(withTimes, 50).toFixed(2)} | ${mean(withTimes).toFixed(2)} | ` +
          `${(percentile(withTimes, 50) / percentile(withoutTimes, 50)).toFixed(2)}× | ${(mean(withTimes) / mean(withoutTimes)).toFixed(2)}× |  (${written} entries written)`,
      );
    }
    console.log(`\nload average after: ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
  } finally {
    await app.close();
    await dropBenchSchemas(databaseUrl, schema);
    await stop();
  }
}

runBench(main);
