import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestTenant, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { parseConfig } from '../../config/config.ts';
import { type AppContext, closeContext, createContext } from '../../context.ts';
import { connectDatabase } from '../../db/database.ts';
import { allJobs } from '../index.ts';
import { download, parseExportCsv, requestExportAs, waitForExport } from '../../../test/support/exports.ts';
import { spawnRoster } from '../../../test/support/roster-process.ts';

/**
 * A real `roster worker` process killed with SIGKILL in the middle of writing an export. The workers
 * run on the public schema of a database of their own, as in production, so this file makes one.
 */

const ROWS = 300_000;

let databaseName: string;
let databaseUrl: string;
let dataDir: string;
let ctx: AppContext;
let app: FastifyInstance;
let tenant: TestTenant;
const workers: ChildProcess[] = [];

async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

const env = () => ({ DATABASE_URL: databaseUrl, ROSTER_DATA_DIR: dataDir, ROSTER_SECRET: 'sigkill-test-secret-0123456789', PUBLIC_URL: 'http://roster.test', LOG_LEVEL: 'silent', SMTP_URL: '', STORAGE_URL: '' });

async function startWorker(): Promise<ChildProcess> {
  const { child } = await spawnRoster('worker', env());
  workers.push(child);
  return child;
}

function exportFolder(exportId: string): string {
  return path.join(dataDir, 'files', 'exports', tenant.appId, exportId);
}

/** Bytes written so far by the attempt in progress (the local store writes to a hidden temp file first). */
function bytesInProgress(exportId: string): number {
  try {
    return readdirSync(exportFolder(exportId)).reduce((total, name) => total + statSync(path.join(exportFolder(exportId), name)).size, 0);
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  databaseName = `roster_sigkill_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${databaseName}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-sigkill-'));
  const config = parseConfig(env());
  ctx = await createContext(config, connectDatabase(databaseUrl), { maintenance: true, log: { info: () => {}, warn: () => {}, error: () => {} } });
  await ctx.jobs.start(allJobs);
  app = await buildApp(ctx);
  await app.ready();
  tenant = await createTestTenant(ctx);
  await sql`
    INSERT INTO users (app_id, vendor_data, full_name, email, tags, metadata, created_at)
    SELECT ${tenant.appId}::uuid, 'kill-' || g, 'Name ' || g, 'u' || g || '@example.com', ARRAY['t' || (g % 7)], jsonb_build_object('n', g),
           timestamptz '2026-01-01' + g * interval '1 second'
    FROM generate_series(1, ${ROWS}) g
  `.execute(ctx.db);
}, 300_000); // CREATE DATABASE and a start-up on a loaded machine (CI on a busy runner) can pass 2 minutes

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await app?.close();
  if (ctx) await closeContext(ctx);
  await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch(() => {});
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a roster worker killed mid-export', () => {
  it('leaves the export unfinished, and another worker completes it with the exact row count', { timeout: 240_000 }, async () => {
    const roster = { app, ctx } as unknown as TestRoster;
    const owner = tenant.operators.OWNER.auth;
    const first = await startWorker();
    const { json } = await requestExportAs(roster, owner, tenant.appId, {});

    const deadline = Date.now() + 60_000;
    while (bytesInProgress(json.id) < 2 * 1024 * 1024) {
      if (Date.now() > deadline) throw new Error('the first worker never started writing the file');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const killed = await ctx.db.selectFrom('exports').select(['status', 'row_count', 'storage_key']).where('id', '=', json.id).executeTakeFirstOrThrow();
    expect(killed).toEqual({ status: 'running', row_count: null, storage_key: null });
    const shown = await requestExportStatus(roster, json.id);
    expect(shown.download_url).toBeNull();

    await startWorker();
    const done = await waitForExport(roster, owner, tenant.appId, json.id, 200_000);
    expect(done).toMatchObject({ status: 'completed', row_count: ROWS, error: null });
    const file = parseExportCsv((await download(roster, done.download_url!)).body);
    expect(file.rows).toHaveLength(ROWS);
    expect(new Set(file.rows.map((row) => row.vendor_data)).size).toBe(ROWS);
    const record = await ctx.db.selectFrom('exports').select(['attempts', 'storage_key', 'parts']).where('id', '=', json.id).executeTakeFirstOrThrow();
    expect(record.attempts).toBe(2);
    // The killed attempt never produced an object: only the completed file and its manifest are visible.
    expect(readdirSync(exportFolder(json.id)).filter((name) => !name.startsWith('.')).sort()).toEqual(record.parts!.map((part) => path.basename(part.key)).sort());
  });
});

async function requestExportStatus(roster: TestRoster, exportId: string) {
  const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/exports/${exportId}`, headers: tenant.operators.OWNER.auth });
  return response.json();
}
