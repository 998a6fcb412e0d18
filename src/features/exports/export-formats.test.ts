import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { usersApi } from '../../../test/support/users.ts';
import { download, type ExportJsonForTest, linkPath, parseExportCsv, requestExportAs, waitForExport } from '../../../test/support/exports.ts';

/** JSONL, Parquet and gzip (docs/warehouse.md): DuckDB reads the Parquet with the declared types and the JSONL's values. */

let roster: TestRoster;
let tenant: TestTenant;
let dir: string;

beforeAll(async () => {
  roster = await startTestRoster({ EXPORT_PART_BYTES: '3kb' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  dir = mkdtempSync(path.join(os.tmpdir(), 'export-formats-'));
  const api = usersApi(roster, tenant);
  for (let index = 0; index < 30; index++) {
    const response = await api.create({
      vendor_data: `fmt-${index}`,
      display_name: index % 3 ? `Name ${index}, "quoted"\nline` : null,
      email: `u${index}@example.com`,
      date_of_birth: index % 2 ? `19${70 + index}-0${1 + (index % 9)}-1${index % 10}` : null,
      tags: index % 4 ? ['vip', `t${index}`] : [],
      metadata: { n: index, nested: { ok: index % 2 === 0 }, text: 'é ✓' },
    });
    expect(response.statusCode).toBe(201);
  }
  expect((await api.session('fmt-1', { session_id: 'fs-1', status: 'APPROVED', full_name: 'Ana López' })).statusCode).toBe(200);
});
afterAll(async () => {
  await roster?.close();
  rmSync(dir, { recursive: true, force: true });
});

const owner = () => tenant.operators.OWNER.auth;

async function exported(body: Record<string, unknown>): Promise<ExportJsonForTest & { parts: { name: string; rows: number; bytes: number; sha256: string; download_url: string }[]; as_of_seq: number }> {
  const requested = await requestExportAs(roster, owner(), tenant.appId, body);
  expect(requested.statusCode, JSON.stringify(requested.json)).toBe(202);
  const done = await waitForExport(roster, owner(), tenant.appId, requested.json.id);
  expect(done.status, JSON.stringify(done)).toBe('completed');
  return done as never;
}

/** Every data part's bytes, checked against its size and sha256; the manifest parsed. */
async function partsOf(done: Awaited<ReturnType<typeof exported>>) {
  const files: Buffer[] = [];
  for (const part of done.parts) {
    const response = await roster.app.inject({ method: 'GET', url: linkPath(part.download_url) });
    expect(response.statusCode).toBe(200);
    const bytes = response.rawPayload;
    expect(bytes.length).toBe(part.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(part.sha256);
    files.push(bytes);
  }
  expect(done.parts.at(-1)!.name).toBe('manifest.json');
  const manifest = JSON.parse(files.pop()!.toString('utf8'));
  return { files, manifest };
}

describe('export formats', () => {
  it('writes Parquet that DuckDB reads with the declared types and the same values as the JSONL export of the same as_of_seq', async () => {
    const jsonl = await exported({ format: 'jsonl', compression: 'gzip' });
    const parquet = await exported({ format: 'parquet' });
    expect(jsonl.as_of_seq).toBeGreaterThan(0);
    expect(parquet.as_of_seq).toBe(jsonl.as_of_seq);
    expect(jsonl.row_count).toBe(30);

    const lines = (await partsOf(jsonl)).files.flatMap((file) => gunzipSync(file).toString('utf8').split('\n').filter(Boolean));
    const fromJsonl = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(fromJsonl).toHaveLength(30);
    expect(fromJsonl[0]).not.toHaveProperty('metadata_json');

    const { files, manifest } = await partsOf(parquet);
    expect(manifest).toMatchObject({ format: 'parquet', as_of_seq: parquet.as_of_seq, since_seq: null, row_count: 30, schema_version: 1 });
    expect(manifest.columns).toContainEqual({ name: 'created_at', type: 'timestamp' });
    const paths = files.map((file, index) => {
      const target = path.join(dir, `part-${index}.parquet`);
      writeFileSync(target, file);
      return target;
    });
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const list = `[${paths.map((file) => `'${file}'`).join(', ')}]`;
    const types = Object.fromEntries((await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${list})`)).getRowObjects().map((row) => [String(row.column_name), String(row.column_type)]));
    expect(types).toMatchObject({
      didit_internal_id: 'VARCHAR',
      created_at: 'TIMESTAMP WITH TIME ZONE',
      last_session_at: 'TIMESTAMP WITH TIME ZONE',
      date_of_birth: 'DATE',
      tags: 'VARCHAR[]',
      session_count: 'INTEGER',
      metadata: 'VARCHAR',
    });
    // The values, as JSON text DuckDB writes them, against the JSONL's.
    const rows = (
      await connection.runAndReadAll(`SELECT * REPLACE (
          strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS created_at,
          strftime(updated_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS updated_at,
          strftime(last_session_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS last_session_at,
          strftime(first_session_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS first_session_at,
          strftime(last_activity_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS last_activity_at,
          strftime(date_of_birth, '%Y-%m-%d') AS date_of_birth)
        FROM read_parquet(${list}) ORDER BY vendor_data`)
    ).getRowObjectsJson();
    connection.closeSync();
    const normal = (row: Record<string, unknown>) => ({ ...row, metadata: typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata });
    const byVendor = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.vendor_data).localeCompare(String(b.vendor_data));
    expect(rows.map((row) => normal(row as Record<string, unknown>))).toEqual([...fromJsonl].sort(byVendor).map(normal));
    expect(fromJsonl.find((row) => row.vendor_data === 'fmt-1')).toMatchObject({ full_name: 'Ana López', session_count: 1 });
  });

  it('cuts a large export into parts under EXPORT_PART_BYTES, each with the header, and writes manifest.json last', async () => {
    const csv = await exported({});
    expect(csv.parts.length).toBeGreaterThan(2);
    const { files, manifest } = await partsOf(csv);
    for (const file of files) expect(file.length).toBeLessThanOrEqual(3 * 1024);
    const parsed = files.map((file) => parseExportCsv(file.toString('utf8')));
    for (const part of parsed) expect(part.header).toEqual(csv.columns);
    expect(parsed.reduce((sum, part) => sum + part.rows.length, 0)).toBe(30);
    expect(parsed.map((part) => part.rows.length)).toEqual(manifest.parts.map((part: { rows: number }) => part.rows));
    // A quoted newline inside a cell never cuts a row in two.
    expect(parsed.flatMap((part) => part.rows).find((row) => row.vendor_data === 'fmt-2')!.display_name).toBe('Name 2, "quoted"\nline');
    expect(csv.download_url).toBe(csv.parts[0]!.download_url);
    expect(manifest.parts.map((part: { name: string }) => part.name)).toEqual(csv.parts.slice(0, -1).map((part) => part.name));
    // A part's link signs its name: another part's name on it is refused.
    const tampered = linkPath(csv.parts[1]!.download_url).replace(/part=[^&]+/, `part=${encodeURIComponent(csv.parts[2]!.name)}`);
    expect((await roster.app.inject({ method: 'GET', url: tampered })).statusCode).toBe(403);
    expect((await download(roster, csv.download_url!)).statusCode).toBe(200);
  });

  it('refuses bad formats and since_seq values with stable codes, creating no export', async () => {
    const before = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM exports`.execute(roster.ctx.db)).rows[0]!.n);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ format: 'xlsx' }, 422, 'invalid_format'],
      [{ format: 'parquet', compression: 'gzip' }, 422, 'compression_not_supported'],
      [{ format: 'csv', compression: 'zip' }, 422, 'invalid_compression'],
      [{ since_seq: 1_000_000 }, 422, 'since_seq_ahead'],
      [{ since_seq: -1 }, 422, 'invalid_since_seq'],
    ];
    for (const [body, status, code] of cases) {
      const response = await requestExportAs(roster, owner(), tenant.appId, body);
      expect([response.statusCode, response.json.error?.code]).toEqual([status, code]);
    }
    await sql`UPDATE app_change_counters SET pruned_through = 5 WHERE app_id = ${tenant.appId}::uuid`.execute(roster.ctx.db);
    const expired = await requestExportAs(roster, owner(), tenant.appId, { since_seq: 2 });
    expect([expired.statusCode, expired.json.error?.code]).toEqual([410, 'cursor_expired']);
    await sql`UPDATE app_change_counters SET pruned_through = 0 WHERE app_id = ${tenant.appId}::uuid`.execute(roster.ctx.db);
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM exports`.execute(roster.ctx.db)).rows[0]!.n)).toBe(before);
  });
});
