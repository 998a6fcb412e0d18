import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { jpegVariant } from './support/face-imports.ts';
import { buildZip } from './zip-builder.ts';

// Each command starts a process (a few seconds on a busy machine): the tests run several.
vi.setConfig({ testTimeout: 300_000 });

const databaseUrl = inject('databaseUrl');
const schema = `t_clib_${randomBytes(4).toString('hex')}`;
const work = mkdtempSync(path.join(os.tmpdir(), 'roster-cli-bulk-'));
const cliEnv = { ...process.env, DATABASE_URL: databaseUrl, ROSTER_DB_SCHEMA: schema, ROSTER_SECRET: 's'.repeat(32), ROSTER_DATA_DIR: path.join(work, 'data') };
const rosterBin = path.resolve('bin/roster.js');

function roster(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [rosterBin, ...args], { env: cliEnv, encoding: 'utf8', timeout: 120_000, input, cwd: work });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

const jsonLines = (stdout: string) => stdout.split('\n').map((line) => JSON.parse(line) as Record<string, any>);

let orgId: string;
let appId: string;

beforeAll(() => {
  orgId = JSON.parse(roster(['org', 'create', 'Bulk', '--json']).stdout).id;
  appId = JSON.parse(roster(['app', 'create', '--org', orgId, 'Migration', '--json']).stdout).id;
  const owner = roster(['operator', 'create', '--org', orgId, '--email', 'owner@bulk.test', '--role', 'OWNER', '--password', 'correct-horse-battery', '--json']);
  expect(owner.status, owner.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
  await admin.end();
});

describe('rough edges of the roster command', () => {
  it('names a malformed id in one line with a stable code, never PostgreSQL\'s words', () => {
    const prose = roster(['app', 'create', '--org', 'not-a-uuid', 'X']);
    expect(prose.status).toBe(1);
    expect(prose.stderr).toBe('roster: --org must be an id (a UUID such as 3f2b…-…), got "not-a-uuid"');
    const json = roster(['app', 'create', '--org', 'not-a-uuid', 'X', '--json']);
    expect(json.stderr.split('\n')).toHaveLength(1);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'invalid_argument', message: expect.stringContaining('--org must be an id') } });
    expect(json.stderr).not.toMatch(/invalid input syntax/);
  });

  it('prints a --json usage error as one JSON line, without the usage text', () => {
    const missing = roster(['app', 'create', 'NoOrg', '--json']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.split('\n')).toHaveLength(1);
    expect(JSON.parse(missing.stderr)).toEqual({ error: { code: 'missing_argument', message: '--org is required' } });
    const unknown = roster(['frobnicate', '--json']);
    expect(JSON.parse(unknown.stderr).error.code).toBe('unknown_command');
    // In prose the usage follows, for a person to read.
    expect(roster(['frobnicate']).stderr).toContain('Usage: roster');
  });

  it('lists and revokes API keys, and lists operators', () => {
    const created = JSON.parse(roster(['apikey', 'create', '--app', appId, '--name', 'warehouse', '--json']).stdout);
    const listed = JSON.parse(roster(['apikey', 'list', '--app', appId, '--json']).stdout);
    expect(listed.results).toEqual([expect.objectContaining({ id: created.id, name: 'warehouse', revoked_at: null })]);
    expect(listed.results[0]).not.toHaveProperty('api_key');
    const revoked = roster(['apikey', 'revoke', created.id, '--app', appId]);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/^Revoked API key rk_/);
    expect(JSON.parse(roster(['apikey', 'list', '--app', appId, '--json']).stdout).results[0].revoked_at).not.toBeNull();
    expect(JSON.parse(roster(['apikey', 'revoke', created.id, '--app', appId, '--json']).stdout)).toMatchObject({ id: created.id, already_revoked: true });
    const notOurs = roster(['apikey', 'revoke', '00000000-0000-0000-0000-000000000000', '--app', appId, '--json']);
    expect(JSON.parse(notOurs.stderr).error.code).toBe('not_found');

    const operators = roster(['operator', 'list', '--org', orgId]);
    expect(operators.stdout.split('\n')[0]).toMatch(/^ID\s+EMAIL\s+ROLE/);
    expect(operators.stdout).toMatch(/owner@bulk\.test\s+OWNER/);
    expect(JSON.parse(roster(['operator', 'list', '--org', orgId, '--json']).stdout).results).toEqual([expect.objectContaining({ email: 'owner@bulk.test', role: 'OWNER' })]);
  });
});

describe('roster import, export and faces import', () => {
  it('imports with --yes --json: progress objects, then the result as the last line', () => {
    const file = path.join(work, 'users.csv');
    writeFileSync(file, 'vendor_data,email,country,tags\ncli-1,one@example.com,FRA,vip\ncli-2,two@example.com,DEU,\ncli-3,not-an-email,FRA,\n');
    const run = roster(['import', file, '--app', appId, '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(0, -1).every((line) => typeof line.progress?.status === 'string')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ status: 'completed', total_rows: 3, created: 2, skipped: 1, created_by: { email: 'owner@bulk.test' } });
  });

  it('imports a file whose headers need --mapping, recording --default-region for national phones', () => {
    const file = path.join(work, 'legacy.csv');
    writeFileSync(file, 'Customer,Mobile\nlegacy-1,+33612345678\nlegacy-2,06 12 34 56 78\n');
    const waiting = roster(['import', file, '--app', appId, '--yes', '--json']);
    expect(waiting.status).toBe(1);
    expect(JSON.parse(waiting.stderr.split('\n').at(-1)!).error).toMatchObject({ code: 'needs_mapping', message: expect.stringContaining('"Customer"') });
    const mappingFile = path.join(work, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify({ mapping: { Customer: 'vendor_data' } }));
    const run = roster(['import', file, '--app', appId, '--mapping', mappingFile, '--default-region', 'FR', '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    // The national number gets a suggested fix (accepted in the console or with POST …/fixes), not a silent change.
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ status: 'completed', created: 1, skipped: 1, default_region: 'FR', fix_counts: { phone_national: 1 } });
  });

  it('passes --mode and --reason to the import, and a refused start is one clear error', () => {
    const file = path.join(work, 'statuses.csv');
    writeFileSync(file, 'vendor_data,status\ncli-1,FLAGGED\ncli-new,ACTIVE\n');
    const refused = roster(['import', file, '--app', appId, '--mode', 'update_only', '--yes', '--json']);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stderr).error.code).toBe('status_reason_required');
    const run = roster(['import', file, '--app', appId, '--mode', 'update_only', '--reason', 'fraud review', '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ status: 'completed', mode: 'update_only', updated: 1, skipped: 1 });
    const badMode = roster(['import', file, '--app', appId, '--mode', 'merge', '--json']);
    expect(JSON.parse(badMode.stderr).error).toEqual({ code: 'invalid_argument', message: '--mode must be one of upsert, create_only, update_only, got "merge"' });
  });

  it('asks before running and leaves the preview alone when the answer is not yes', () => {
    const file = path.join(work, 'declined.csv');
    writeFileSync(file, 'vendor_data,email\ndeclined-1,d@example.com\n');
    const run = roster(['import', file, '--app', appId], 'n\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('to create:  1');
    expect(run.stderr).toMatch(/Apply 1 valid row\(s\) to the application "Migration"\? \[y\/N\]/);
    expect(run.stdout).toMatch(/^Not started/);
    const users = roster(['export', '--app', appId, '--filter', 'search=declined', '--out', path.join(work, 'declined-out.csv'), '--json']);
    expect(jsonLines(users.stdout).at(-1)!.row_count).toBe(0);
  });

  it('exports the filtered users and chosen columns to a file', () => {
    const out = path.join(work, 'export.csv');
    const run = roster(['export', '--app', appId, '--filter', 'country=FRA', '--filter', 'tags=vip', '--columns', 'vendor_data,email,country', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Exported 1 user(s) to ${out}`);
    expect(readFileSync(out, 'utf8')).toBe('\uFEFFvendor_data,email,country\r\ncli-1,one@example.com,FRA\r\n'.replace(/\r\n/g, readFileSync(out, 'utf8').includes('\r\n') ? '\r\n' : '\n'));
    const bad = roster(['export', '--app', appId, '--filter', 'colour=red', '--out', out, '--json']);
    expect(JSON.parse(bad.stderr).error.code).toBe('unknown_filter');
  });

  it('imports a ZIP of faces and reports what it added', () => {
    const zip = path.join(work, 'faces.zip');
    writeFileSync(zip, buildZip([{ name: 'faces/cli-1.jpg', data: jpegVariant('cli-1') }, { name: 'faces/ghost.jpg', data: jpegVariant('ghost') }]));
    const run = roster(['faces', 'import', zip, '--app', appId, '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ status: 'completed', total: 2, added: 1, skipped: 1 });
    const again = roster(['faces', 'import', zip, '--app', appId]);
    expect(again.stdout).toMatch(/completed: 0 added, 2 skipped, 0 failed of 2 entries/);
  });
});

describe('roster import in a real terminal', () => {
  it('shows the preview, reads y from the terminal and draws a progress bar', async () => {
    const file = path.join(work, 'terminal.csv');
    writeFileSync(file, `vendor_data,email\n${Array.from({ length: 50 }, (_, i) => `tty-${i},tty${i}@example.com`).join('\n')}\n`);
    // script(1) gives the command a pseudo-terminal: stdin and stderr are TTYs, as for a person.
    const command = [process.execPath, rosterBin, 'import', file, '--app', appId].map((part) => `'${part}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env: { ...cliEnv, COLUMNS: '100' }, cwd: work });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 120_000;
    while (!output.includes('[y/N]') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toContain('to create:  50');
    child.stdin.write('y\r');
    expect(await exited).toBe(0);
    expect(output).toMatch(/\[#+\] 100%  50\/50 rows applied/);
    expect(output).toContain('completed: 50 created');
  }, 150_000);
});
