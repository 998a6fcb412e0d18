/**
 * The console's users list at size: sorted first pages, the total and the overview's aggregates, each
 * as a ratio to the default list (newest first, index-backed) measured in the same run.
 *
 *   npm run bench:users-console                     (embedded PostgreSQL in a temp folder, 200,000 users)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:users-console -- --users 1000000
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectDatabase, migrateToLatest } from '../src/db/database.ts';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { freePort } from '../test/global-setup.ts';
import { listUsersSorted, type UserSort } from '../src/features/users/user-sort.ts';
import { countUsers } from '../src/features/users/users-count.ts';
import { userStats } from '../src/features/users/users-stats.ts';

const { values } = parseArgs({ options: { users: { type: 'string', default: '200000' }, runs: { type: 'string', default: '5' } } });
const userCount = Number(values.users);
const runs = Number(values.runs);

async function median(work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-users-console-bench-'));
  chmodSync(dataDir, 0o755);
  let stopEmbedded = async () => {};
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgDir = path.join(dataDir, 'pg-root');
    mkdirSync(pgDir, { mode: 0o755 });
    const embedded = await openEmbeddedDatabase(pgDir, await freePort());
    databaseUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
  }
  const schema = process.env.DATABASE_URL ? `bench_${randomBytes(4).toString('hex')}` : 'public';
  const database = connectDatabase(databaseUrl, { schema });
  try {
    await migrateToLatest(database);
    const org = await database.pool.query(`INSERT INTO organizations (name) VALUES ('bench') RETURNING id`);
    const app = await database.pool.query(`INSERT INTO applications (org_id, name) VALUES ($1, 'bench') RETURNING id`, [org.rows[0].id]);
    const appId: string = app.rows[0].id;
    const seeded = performance.now();
    await database.pool.query(
      `INSERT INTO users (app_id, vendor_data, display_name, country, status, created_at, last_activity_at)
       SELECT $1, 'u-' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'name ' || md5(g::text) END, (ARRAY['ESP','FRA','DEU','ITA'])[1 + g % 4],
              CASE WHEN g % 20 = 0 THEN 'FLAGGED' ELSE 'ACTIVE' END, now() - (g % 40) * interval '1 day',
              CASE WHEN g % 3 = 0 THEN NULL ELSE now() - (g % 5000) * interval '1 minute' END
       FROM generate_series(1, $2::int) AS g`,
      [appId, userCount],
    );
    await database.pool.query('ANALYZE users');
    console.log(`${userCount.toLocaleString('en')} users seeded in ${Math.round(performance.now() - seeded)} ms; median of ${runs} runs each`);

    const page = (sort: UserSort) => () => listUsersSorted(database.db, appId, {}, sort, 50);
    const baseline = await median(page({ key: 'created_at', descending: true }));
    console.log(`baseline: first page newest first  ${baseline.toFixed(1)} ms`);
    const cases: [string, () => Promise<unknown>][] = [
      ['first page by vendor_data', page({ key: 'vendor_data', descending: false })],
      ['first page by name (A→Z)', page({ key: 'name', descending: false })],
      ['first page by last activity (newest)', page({ key: 'last_activity_at', descending: true })],
      ['total, no filter (estimate past 10,000)', () => countUsers(database.db, appId, {})],
      ['total, status=FLAGGED (5%)', () => countUsers(database.db, appId, { status: ['FLAGGED'] })],
      ['overview aggregates', () => userStats(database.db, appId)],
    ];
    for (const [label, work] of cases) {
      const time = await median(work);
      console.log(`${label.padEnd(38)} ${time.toFixed(1).padStart(8)} ms   ${(time / baseline).toFixed(1).padStart(7)}× baseline`);
    }
  } finally {
    if (schema !== 'public') await database.pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
    await database.close();
    await stopEmbedded();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
