import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import S3rver from 's3rver';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.ts';
import { connectDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { createTestTenant, type TestTenant } from '../harness.ts';
import { startTestCluster, type TestCluster } from '../support/pg-cluster.ts';
import { eventually, GaveUp, type RosterProcess, spawnRoster } from '../support/roster-process.ts';

/**
 * 2 `roster serve` + 2 `roster worker` processes on one PostgreSQL cluster, s3rver and an SMTP server,
 * under an API load, while imports and exports run and, in turn: a worker is SIGKILLed mid-import, a
 * worker is SIGKILLed mid-export, PostgreSQL crashes mid-import, a worker gets SIGTERM mid-import.
 * Sizes: CHAOS_IMPORT_ROWS (200,000) and CHAOS_EXPORT_ROWS (1,000,000).
 */
const importRows = Number(process.env.CHAOS_IMPORT_ROWS ?? 200_000);
const exportRows = Number(process.env.CHAOS_EXPORT_ROWS ?? 1_000_000);
const BUCKET = 'roster-chaos';

let cluster: TestCluster;
let database: DatabaseHandle;
let s3rver: S3rver;
let smtp: SMTPServer;
const mails: string[] = [];
const folders: string[] = [];
const serves: RosterProcess[] = [];
const workers: RosterProcess[] = [];
let env: Record<string, string>;
let tenant: TestTenant;
let exportTenant: TestTenant;
let s3: S3Client;

interface Outcome {
  fault: string;
  recoverMs: number;
  rowsLost: number;
}
const outcomes: Outcome[] = [];

/** Every API answer with its time, to check that no 5xx came outside the database outage. */
const answers: { at: number; status: number }[] = [];
let outage: { from: number; to: number } | undefined;
let loadRunning = true;

beforeAll(async () => {
  cluster = await startTestCluster();
  const s3Directory = mkdtempSync(path.join(os.tmpdir(), 'roster-chaos-s3-'));
  folders.push(s3Directory);
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Directory, configureBuckets: [{ name: BUCKET }] });
  const s3Address = await s3rver.run();
  const endpoint = `http://127.0.0.1:${s3Address.port}`;
  s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let message = '';
      stream.on('data', (chunk: Buffer) => (message += chunk.toString()));
      stream.on('end', () => {
        mails.push(message);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-chaos-data-'));
  folders.push(dataDir);
  env = {
    DATABASE_URL: cluster.url,
    STORAGE_URL: `s3://${BUCKET}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    ROSTER_DATA_DIR: dataDir,
    ROSTER_SECRET: 'chaos-secret-0123456789-0123456789',
    PUBLIC_URL: 'http://roster.chaos',
    ROSTER_IMPORT_CHUNK_ROWS: String(Math.max(1_000, Math.round(importRows / 100))),
    RATE_LIMIT_READS_PER_MINUTE: '0',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
  };
  // The first process migrates; the other three start side by side.
  serves.push(await spawnRoster('serve', env));
  const [serve, ...started] = await Promise.all([spawnRoster('serve', env), spawnRoster('worker', env), spawnRoster('worker', env)]);
  serves.push(serve!);
  workers.push(...started);
  database = connectDatabase(cluster.url, { maxConnections: 4 });
  tenant = await createTestTenant({ db: database.db } as AppContext, 'chaos');
  exportTenant = await createTestTenant({ db: database.db } as AppContext, 'export');
  await sql`
    INSERT INTO users (app_id, vendor_data, full_name, email, country, tags, metadata, created_at, updated_at)
    SELECT ${exportTenant.appId}::uuid, 'exp-' || g, 'Name ' || g, 'e' || g || '@example.com', 'ESP', ARRAY['t' || (g % 5)], jsonb_build_object('n', g),
           timestamptz '2026-01-01' + g * interval '1 second', timestamptz '2026-01-02'
      FROM generate_series(1, ${exportRows}) g`.execute(database.db);
  void runApiLoad();
}, 900_000);

afterAll(async () => {
  loadRunning = false;
  for (const child of [...serves, ...workers]) if (child.alive()) child.child.kill('SIGKILL');
  await database?.close();
  await cluster?.destroy();
  await s3rver?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  s3?.destroy();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Creates and gets users through both serve processes, all along. */
async function runApiLoad(): Promise<void> {
  for (let i = 0; loadRunning; i++) {
    const serve = serves[i % serves.length]!;
    if (!serve.alive()) continue;
    const vendorData = `load-${i}-${randomUUID().slice(0, 8)}`;
    try {
      const created = await fetch(`${serve.url}/v3/users/create/`, { method: 'POST', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, body: JSON.stringify({ vendor_data: vendorData }) });
      answers.push({ at: Date.now(), status: created.status });
      const got = await fetch(`${serve.url}/v3/users/${vendorData}/`, { headers: tenant.keyAuth });
      answers.push({ at: Date.now(), status: got.status });
    } catch {
      answers.push({ at: Date.now(), status: 0 });
    }
  }
}

const consoleApi = (path: string, init: RequestInit = {}, forTenant = tenant) =>
  fetch(`${serves[0]!.url}/api/console/apps/${forTenant.appId}${path}`, { ...init, headers: { ...forTenant.operators.ADMIN.auth, ...(init.headers as Record<string, string>) } });

/** A failure says what the workers printed (they log at warn and above). */
function withWorkerOutput<T>(waiting: Promise<T>): Promise<T> {
  return waiting.catch((error: Error) => {
    throw new Error(`${error.message}\n${workers.map((worker) => `--- worker ${worker.child.pid}:\n${worker.output().slice(-3000)}`).join('\n')}`);
  });
}

/** Uploads, waits for the preview, starts the run and returns once its first chunk is applied (and the run is far from done). */
async function preparedImport(label: string): Promise<string> {
  const lines = ['vendor_data,display_name,email', ...Array.from({ length: importRows }, (_, i) => `${label}-${i},Name ${i},${label}${i}@example.com`)];
  const upload = await consoleApi('/imports', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `${lines.join('\n')}\n` });
  expect(upload.status).toBe(201);
  const { id } = (await upload.json()) as { id: string };
  await withWorkerOutput(eventually(`the preview of ${label}`, async () => {
    const record = await importRecord(id);
    if (record.status === 'failed') throw new GaveUp(`preview failed: ${JSON.stringify(record.error)}`);
    return record.status === 'ready' || undefined;
  }, 600_000, 100));
  expect((await consoleApi(`/imports/${id}/start`, { method: 'POST' })).status).toBe(202);
  const started = await withWorkerOutput(eventually(`the run of ${label} to apply rows`, async () => {
    const record = await importRecord(id);
    return record.processed_rows > 0 ? record : undefined;
  }, 600_000, 5));
  // The fault must land mid-import: most chunks still to come.
  expect(started.processed_rows).toBeLessThan(importRows / 2);
  return id;
}

function importRecord(id: string) {
  return database.db.selectFrom('imports').select(['status', 'error', 'processed_rows', 'created', 'skipped']).where('id', '=', id).executeTakeFirstOrThrow();
}

async function completedImport(id: string): Promise<{ created: number }> {
  return withWorkerOutput(eventually('the import to complete', async () => {
    const row = await importRecord(id);
    if (row.status === 'failed' || row.status === 'cancelled') throw new GaveUp(`import ${id} ended ${row.status}: ${JSON.stringify(row.error)}`);
    return row.status === 'completed' ? row : undefined;
  }, 900_000, 100));
}

/**
 * The worker process running a query like `pattern` now (from pg_stat_activity's application_name
 * `roster:PID`). Active, not merely "idle in transaction": an export's COPY connection stays in its
 * snapshot's transaction once its part is written; active means rows are flowing now.
 */
async function workerRunning(pattern: string): Promise<RosterProcess> {
  return eventually(`a worker running ${pattern}`, async () => {
    const { rows } = await sql<{ application_name: string }>`
      SELECT application_name FROM pg_stat_activity WHERE state = 'active' AND query ILIKE ${pattern} AND application_name LIKE 'roster:%'`.execute(database.db);
    const pids = new Set(rows.map((row) => Number(row.application_name.split(':')[1])));
    return workers.find((worker) => worker.alive() && pids.has(worker.child.pid!));
  }, 120_000, 10);
}

/** Workers killed or stopped by the suite, kept for their output. */
const retired: RosterProcess[] = [];

async function replaceWorker(dead: RosterProcess): Promise<void> {
  workers.splice(workers.indexOf(dead), 1);
  retired.push(dead);
  workers.push(await spawnRoster('worker', env));
}

async function exportFile(id: string): Promise<string> {
  const record = await withWorkerOutput(eventually('the export to complete', async () => {
    const row = await database.db.selectFrom('exports').select(['status', 'storage_key', 'row_count']).where('id', '=', id).executeTakeFirstOrThrow();
    if (row.status === 'failed') throw new GaveUp(`export ${id} failed`);
    return row.status === 'completed' ? row : undefined;
  }, 900_000, 100));
  expect(record.row_count).toBe(exportRows);
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: record.storage_key! }));
  return createHash('sha256').update(await object.Body!.transformToByteArray()).digest('hex');
}

async function requestExport(): Promise<string> {
  const response = await consoleApi('/exports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters: {} }) }, exportTenant);
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

describe('the chaos suite', () => {
  it('survives kills, a database crash and SIGTERM with exact counts, identical exports, one email each, and every process serving', async () => {
    const cleanExport = await requestExport();
    const cleanHash = await exportFile(cleanExport);

    // 1. SIGKILL the worker running an import.
    {
      const id = await preparedImport('kill');
      const victim = await workerRunning('%import_rows%');
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      await victim.exited;
      await replaceWorker(victim);
      const done = await completedImport(id);
      outcomes.push({ fault: 'SIGKILL worker mid-import', recoverMs: Date.now() - killedAt, rowsLost: importRows - done.created });
    }

    // 2. SIGKILL the worker writing an export.
    const faultedExport = await requestExport();
    {
      const victim = await workerRunning('%COPY%');
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      await victim.exited;
      await replaceWorker(victim);
      const hash = await exportFile(faultedExport);
      expect(hash).toBe(cleanHash);
      outcomes.push({ fault: 'SIGKILL worker mid-export', recoverMs: Date.now() - killedAt, rowsLost: 0 });
    }

    // 3. Crash PostgreSQL (immediate stop) during an import, then start it again.
    {
      const id = await preparedImport('crash');
      const crashedAt = Date.now();
      await cluster.crash();
      await cluster.start();
      const back = Date.now();
      await eventually('every process to be ready again', async () => {
        const statuses = await Promise.all([...serves, ...workers].map((child) => fetch(`${child.url}/readyz`).then((response) => response.status, () => 0)));
        return statuses.every((status) => status === 200) ? true : undefined;
      }, 10_000, 50);
      outage = { from: crashedAt, to: Date.now() + 10_000 };
      const done = await completedImport(id);
      outcomes.push({ fault: 'PostgreSQL crash mid-import', recoverMs: Date.now() - back, rowsLost: importRows - done.created });
    }

    // 4. SIGTERM the worker running an import: it checkpoints and exits 0; another finishes.
    {
      const id = await preparedImport('term');
      const victim = await workerRunning('%import_rows%');
      const signalledAt = Date.now();
      victim.child.kill('SIGTERM');
      expect(await victim.exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      await replaceWorker(victim);
      const done = await completedImport(id);
      outcomes.push({ fault: 'SIGTERM worker mid-import', recoverMs: Date.now() - signalledAt, rowsLost: importRows - done.created });
    }
    loadRunning = false;

    console.log(`\nchaos: ${importRows} import rows, ${exportRows} export rows\n| fault | time to recover | rows lost |\n|---|---|---|\n${outcomes.map((outcome) => `| ${outcome.fault} | ${(outcome.recoverMs / 1000).toFixed(1)} s | ${outcome.rowsLost} |`).join('\n')}\n`);
    expect(outcomes.map((outcome) => outcome.rowsLost)).toEqual([0, 0, 0, 0]);

    // One email per export, and no audit entry written twice.
    // Decoded: quoted-printable may break a long link (and the id in it) across lines.
    const decoded = await Promise.all(mails.map(async (mail) => {
      const parsed = await simpleParser(mail);
      return `${parsed.subject}\n${parsed.text ?? ''}\n${typeof parsed.html === 'string' ? parsed.html : ''}`;
    }));
    const exportsNow = await database.db.selectFrom('exports').select(['id', 'status', 'attempts', 'row_count']).execute();
    for (const id of [cleanExport, faultedExport]) {
      const summary = `emails for export ${id}; exports ${JSON.stringify(exportsNow)}; mails:\n${decoded.map((mail) => mail.slice(0, 400)).join('\n---\n')}\n${[...retired, ...workers].map((worker) => `--- worker ${worker.child.pid}:\n${worker.output().slice(-2000)}`).join('\n')}`;
      expect(decoded.filter((mail) => mail.includes(id)).length, summary).toBe(1);
    }
    const { rows: repeated } = await sql<{ action: string; target_id: string; count: number }>`
      SELECT action, target_id, count(*)::int AS count FROM audit_logs
       WHERE action IN ('import.completed', 'import.started', 'export.completed', 'export.requested')
       GROUP BY action, target_id HAVING count(*) > 1`.execute(database.db);
    expect(repeated).toEqual([]);

    // The API answered throughout: no 5xx (nor a dropped connection) outside the outage.
    const outside = answers.filter((answer) => (answer.status >= 500 || answer.status === 0) && !(outage && answer.at >= outage.from && answer.at <= outage.to));
    expect(outside).toEqual([]);
    expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThan(0);
    for (const child of [...serves, ...workers]) {
      expect(child.alive()).toBe(true);
      expect((await fetch(`${child.url}/readyz`)).status).toBe(200);
    }
  });
});
