import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { buildXlsx } from './xlsx-file.ts';

// Each command starts a process (a few seconds on a busy machine).
vi.setConfig({ testTimeout: 300_000 });

const databaseUrl = inject('databaseUrl');
const schema = `t_clio_${randomBytes(4).toString('hex')}`;
const work = mkdtempSync(path.join(os.tmpdir(), 'roster-cli-options-'));
const cliEnv = { ...process.env, DATABASE_URL: databaseUrl, ROSTER_DB_SCHEMA: schema, ROSTER_SECRET: 's'.repeat(32), ROSTER_DATA_DIR: path.join(work, 'data') };
const rosterBin = path.resolve('bin/roster.js');

function roster(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [rosterBin, ...args], { env: cliEnv, encoding: 'utf8', timeout: 120_000, input, cwd: work });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

let appId: string;
let client: pg.Client;

beforeAll(async () => {
  const orgId = JSON.parse(roster(['org', 'create', 'Options', '--json']).stdout).id;
  appId = JSON.parse(roster(['app', 'create', '--org', orgId, 'Migration', '--json']).stdout).id;
  const owner = roster(['operator', 'create', '--org', orgId, '--email', 'owner@options.test', '--role', 'OWNER', '--password', 'correct-horse-battery', '--json']);
  expect(owner.status, owner.stderr).toBe(0);
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
}, 180_000);

afterAll(async () => {
  await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
  await client?.end();
});

// The vendor's workbook: alpha-2 countries and national phone numbers, as issue 20 measured.
const workbook = () => {
  const file = path.join(work, `vendor-${randomBytes(3).toString('hex')}.xlsx`);
  writeFileSync(file, buildXlsx([
    ['vendor_data', 'country', 'phone'],
    ['x-1', 'FR', '06 12 34 56 78'],
    ['x-2', 'ES', '612 345 678'],
  ]));
  return file;
};

describe('roster import, as capable as the console (issue 20)', () => {
  it('refuses an unknown flag, naming it, before touching anything', () => {
    const run = roster(['import', workbook(), '--app', appId, '--bogus-flag', '1', '--yes']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unknown flag --bogus-flag');
    const json = roster(['import', workbook(), '--app', appId, '--bogus-flag', '--json']);
    expect(JSON.parse(json.stderr).error.code).toBe('unknown_flag');
  });

  it('shows the fixes on offer; "no" discards the import', async () => {
    const run = roster(['import', workbook(), '--app', appId], 'n\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/fixes on offer: country_alpha2 2 row\(s\), phone_national 2 row\(s\)/);
    expect(run.stdout).toMatch(/^Not started\. Import .* was discarded/);
    const { rows } = await client.query(`SELECT id, status, error->>'code' AS code, file_deleted_at IS NOT NULL AS file_deleted FROM ${schema}.imports WHERE app_id = $1`, [appId]);
    expect(rows.map((row) => [row.status, row.code, row.file_deleted])).toEqual([['cancelled', 'discarded', true]]);
    const audit = await client.query(`SELECT action FROM ${schema}.audit_logs WHERE target_id = $1 ORDER BY id`, [rows[0].id]);
    expect(audit.rows.map((row) => row.action)).toEqual(['import.created', 'import.discarded']);
  });

  it('applies --accept-fixes all on the xlsx', async () => {
    const run = roster(['import', workbook(), '--app', appId, '--accept-fixes', 'all', '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { rows } = await client.query(`SELECT vendor_data, country, phone FROM ${schema}.users WHERE app_id = $1 ORDER BY vendor_data`, [appId]);
    expect(rows).toEqual([
      { vendor_data: 'x-1', country: 'FRA', phone: '+33612345678' },
      { vendor_data: 'x-2', country: 'ESP', phone: '+34612345678' },
    ]);
  });

  it('takes --map, --metadata-mode and --invalid-cells clear', async () => {
    const file = path.join(work, 'backfill.csv');
    writeFileSync(file, 'Customer,Risk,Phone\nx-1,80,07700 900123\n');
    const run = roster(['import', file, '--app', appId, '--map', 'Customer=vendor_data', '--map', 'Risk=metadata.risk:number', '--map', 'Phone=phone', '--invalid-cells', 'clear', '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { rows } = await client.query(`SELECT metadata, phone FROM ${schema}.users WHERE app_id = $1 AND vendor_data = 'x-1'`, [appId]);
    expect(rows[0]).toEqual({ metadata: { risk: 80 }, phone: '+33612345678' });
  });

  it('takes --value and --combine (value mapping and a column combine), and refuses a malformed one', async () => {
    const file = path.join(work, 'vendor-status.csv');
    writeFileSync(file, 'vendor_data,State,Given,Family\nv-1,pending,Ana,López\nv-2,ok,Bo,\n');
    const run = roster(['import', file, '--app', appId, '--map', 'State=status', '--value', 'State:pending=FLAGGED', '--value', 'State:ok=ACTIVE', '--combine', 'Given+Family=full_name', '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { rows } = await client.query(`SELECT vendor_data, status, full_name FROM ${schema}.users WHERE app_id = $1 AND vendor_data LIKE 'v-%' ORDER BY vendor_data`, [appId]);
    expect(rows).toEqual([
      { vendor_data: 'v-1', status: 'FLAGGED', full_name: 'Ana López' },
      { vendor_data: 'v-2', status: 'ACTIVE', full_name: 'Bo' },
    ]);
    const bad = roster(['import', file, '--app', appId, '--combine', 'Given=full_name', '--json']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stderr).error).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('--combine takes') });
  });
});
