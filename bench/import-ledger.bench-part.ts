/**
 * Import ledger benchmark (issue #8), run by bench/import.bench.ts:
 *
 *   npm run bench:import -- --ledger-rows 1000000 --ledger-only
 *
 * Two applications each hold N users; the same file of N updates (every row changing 2 fields: email
 * and country) is uploaded and previewed into each. One is run without per-user audit entries, the
 * other with them (the product's path), both through runImport exactly as the worker runs it; then the
 * ledgered import is reverted through revertImport as the revert job runs it. Prints the ledger's cost
 * as a ratio to the run without it, and the revert's as a ratio to the import's run.
 */
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../src/context.ts';
import { createApplication } from '../src/features/auth/tenancy.service.ts';
import { revertImport } from '../src/features/imports/revert/revert-import.job.ts';
import { runImport } from '../src/features/imports/run/run-import.job.ts';

export interface LedgerBenchSetup {
  ctx: AppContext;
  baseUrl: string;
  token: string;
  orgId: string;
  operatorId: string;
  workDir: string;
  upload(url: string, auth: Record<string, string>, file: string): Promise<{ id: string }>;
}

/** `--ledger-rows N` (default 20,000; 0 skips it), `--ledger-reps R` (pairs, default 3) and `--ledger-only` (skip the other sizes). */
export function ledgerBenchArguments(argv: readonly string[]): { rows: number; reps: number; only: boolean } {
  const number = (flag: string, fallback: number) => {
    const index = argv.indexOf(flag);
    const value = index >= 0 ? Number(argv[index + 1]) : fallback;
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} takes a whole number`);
    return value;
  };
  return { rows: number('--ledger-rows', 20_000), reps: Math.max(1, number('--ledger-reps', 3)), only: argv.includes('--ledger-only') };
}

async function seedUsers(ctx: AppContext, appId: string, rows: number): Promise<void> {
  for (let from = 0; from < rows; from += 200_000) {
    await ctx.database.pool.query(
      `INSERT INTO users (app_id, vendor_data, display_name, email, phone, country, status, tags, metadata)
       SELECT $1, 'ledger-' || i, 'User ' || i, 'before' || i || '@example.com', '+3460' || lpad(i::text, 7, '0'), 'FRA', 'ACTIVE', '{vip}', '{"tier":"gold"}'
         FROM generate_series($2::int, $3::int) AS i`,
      [appId, from, Math.min(from + 200_000, rows) - 1],
    );
  }
  await ctx.database.pool.query('ANALYZE users');
}

async function writeUpdates(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('vendor_data,email,country\n');
  let text = '';
  for (let i = 0; i < rows; i++) {
    text += `ledger-${i},after${i}@example.com,ESP\n`;
    if (text.length > 1_000_000) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

async function previewed(setup: LedgerBenchSetup, appId: string, file: string): Promise<string> {
  const auth = { authorization: `Bearer ${setup.token}` };
  const { id } = await setup.upload(`${setup.baseUrl}/api/console/apps/${appId}/imports?file_name=${path.basename(file)}`, auth, file);
  for (;;) {
    const view = (await (await fetch(`${setup.baseUrl}/api/console/apps/${appId}/imports/${id}`, { headers: auth })).json()) as { status: string; error: unknown };
    if (view.status === 'ready') return id;
    if (view.status !== 'validating') throw new Error(`preview ended ${view.status}: ${JSON.stringify(view.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timedRun(setup: LedgerBenchSetup, importId: string, ledger: boolean): Promise<number> {
  await setup.ctx.db.updateTable('imports').set({ status: 'queued', started_by: setup.operatorId }).where('id', '=', importId).execute();
  const started = performance.now();
  await runImport(setup.ctx, importId, { signal: new AbortController().signal }, { ledger });
  const elapsed = performance.now() - started;
  const done = await setup.ctx.db.selectFrom('imports').select(['status', 'updated']).where('id', '=', importId).executeTakeFirstOrThrow();
  if (done.status !== 'completed') throw new Error(`run ended ${done.status}`);
  return elapsed;
}

interface Pair {
  withoutMs: number;
  withMs: number;
  revertMs: number;
}

/** One pair: the same file into two fresh applications of N users, run without and with the ledger (in `order`), then the ledgered one reverted. */
async function measurePair(setup: LedgerBenchSetup, file: string, rows: number, rep: number, ledgerFirst: boolean): Promise<Pair> {
  const { ctx } = setup;
  const plain = await createApplication(ctx.db, setup.orgId, `Ledger off ${rows} #${rep}`);
  const ledgered = await createApplication(ctx.db, setup.orgId, `Ledger on ${rows} #${rep}`);
  await seedUsers(ctx, plain.id, rows);
  await seedUsers(ctx, ledgered.id, rows);
  const plainImport = await previewed(setup, plain.id, file);
  const ledgerImport = await previewed(setup, ledgered.id, file);
  await ctx.database.pool.query('CHECKPOINT');
  let withoutMs = 0;
  let withMs = 0;
  for (const ledger of ledgerFirst ? [true, false] : [false, true]) {
    const ms = await timedRun(setup, ledger ? ledgerImport : plainImport, ledger);
    if (ledger) withMs = ms;
    else withoutMs = ms;
    await ctx.database.pool.query('CHECKPOINT');
  }
  const entries = await ctx.database.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM audit_logs WHERE batch_id = $1', [ledgerImport]);
  if (entries.rows[0]!.count !== rows) throw new Error(`expected ${rows} ledger entries, found ${entries.rows[0]!.count}`);

  await ctx.db.updateTable('imports').set({ revert_status: 'queued', reverted_by: setup.operatorId }).where('id', '=', ledgerImport).execute();
  const revertStarted = performance.now();
  await revertImport(ctx, ledgerImport, { signal: new AbortController().signal });
  const revertMs = performance.now() - revertStarted;
  const reverted = await ctx.db.selectFrom('imports').select(['revert_status', 'reverted', 'conflicts']).where('id', '=', ledgerImport).executeTakeFirstOrThrow();
  if (reverted.revert_status !== 'completed' || reverted.reverted !== rows) throw new Error(`revert ended ${reverted.revert_status} with ${reverted.reverted} reverted`);
  return { withoutMs, withMs, revertMs };
}

/**
 * Pairs alternate which run goes first, and the ratios are of the sums: on a shared machine the load
 * changes from minute to minute, and both sides of each ratio then see the same load.
 */
export async function ledgerBench(setup: LedgerBenchSetup, rows: number, reps = 3): Promise<string> {
  const file = path.join(setup.workDir, `ledger-updates-${rows}.csv`);
  await writeUpdates(file, rows);
  const pairs: Pair[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const pair = await measurePair(setup, file, rows, rep, rep % 2 === 1);
    console.log(`  pair ${rep + 1}: without ${(pair.withoutMs / 1000).toFixed(2)} s · with ${(pair.withMs / 1000).toFixed(2)} s (${(pair.withMs / pair.withoutMs).toFixed(2)}×) · revert ${(pair.revertMs / 1000).toFixed(2)} s (${(pair.revertMs / pair.withMs).toFixed(2)}×)`);
    pairs.push(pair);
  }
  const sum = (key: keyof Pair) => pairs.reduce((total, pair) => total + pair[key], 0);
  const mb = statSync(file).size / 1048576;
  return (
    `ledger, ${rows.toLocaleString('en')} updates × 2 fields (${mb.toFixed(1)} MB), ${reps} alternating pairs: run without per-user entries ${(sum('withoutMs') / reps / 1000).toFixed(2)} s · ` +
    `with them ${(sum('withMs') / reps / 1000).toFixed(2)} s · ratio ${(sum('withMs') / sum('withoutMs')).toFixed(2)}× (target ≤ 1.25×) · ` +
    `revert ${(sum('revertMs') / reps / 1000).toFixed(2)} s · ratio to the run ${(sum('revertMs') / sum('withMs')).toFixed(2)}× (target ≤ 1.5×)`
  );
}
