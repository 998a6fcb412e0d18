import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, migrateToLatest } from '../src/db/database.ts';
import { freePort } from './global-setup.ts';

const databaseUrl = inject('databaseUrl');
const schema = `t_cli_${randomBytes(4).toString('hex')}`;
const cliEnv = { ...process.env, DATABASE_URL: databaseUrl, ROSTER_DB_SCHEMA: schema, ROSTER_SECRET: 's'.repeat(32), ROSTER_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'roster-cli-')) };

function roster(args: string[], env: NodeJS.ProcessEnv = cliEnv) {
  const result = spawnSync(process.execPath, ['bin/roster.js', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
  await admin.end();
});

describe('the roster command', () => {
  it('creates an organization, application, operator, API key and token, printing JSON with --json', () => {
    const org = roster(['org', 'create', 'Acme', 'KYC', '--json']);
    expect(org.status, org.stderr).toBe(0);
    const { id: orgId } = JSON.parse(org.stdout);
    const app = JSON.parse(roster(['app', 'create', '--org', orgId, 'Onboarding', '--json']).stdout);
    expect(app.id).toMatch(/^[0-9a-f-]{36}$/);
    const key = JSON.parse(roster(['apikey', 'create', '--app', app.id, '--json']).stdout);
    expect(key.api_key).toMatch(/^rk_/);
    const operator = JSON.parse(roster(['operator', 'create', '--org', orgId, '--email', 'cli@example.com', '--role', 'ADMIN', '--password', 'correct-horse', '--json']).stdout);
    expect(operator.id).toMatch(/^[0-9a-f-]{36}$/);
    const token = JSON.parse(roster(['token', 'create', '--email', 'cli@example.com', '--json']).stdout);
    expect(token.token).toMatch(/^rct_/);
  });

  it('explains a missing argument or an unknown organization in one line, with exit code 1', () => {
    const missing = roster(['app', 'create', 'NoOrg']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--org is required');
    const unknown = roster(['app', 'create', '--org', '00000000-0000-0000-0000-000000000000', 'X', '--json']);
    expect(unknown.status).toBe(1);
    expect(JSON.parse(unknown.stderr).error.message).toBe('Organization was not found');
    const badRole = roster(['operator', 'create', '--org', '00000000-0000-0000-0000-000000000000', '--email', 'a@b.co', '--role', 'KING']);
    expect(badRole.status).toBe(1);
  });

  it('migrates safely when two processes start at once', async () => {
    const raceSchema = `t_race_${randomBytes(4).toString('hex')}`;
    const first = connectDatabase(databaseUrl, { schema: raceSchema });
    const second = connectDatabase(databaseUrl, { schema: raceSchema });
    try {
      const [a, b] = await Promise.all([migrateToLatest(first), migrateToLatest(second)]);
      expect(a.length + b.length).toBeGreaterThan(0);
      expect(Math.min(a.length, b.length)).toBe(0);
      expect(roster(['migrate', '--json'], { ...cliEnv, ROSTER_DB_SCHEMA: raceSchema }).stdout).toBe('{"applied":[]}');
    } finally {
      await first.db.schema.dropSchema(raceSchema).cascade().execute();
      await first.close();
      await second.close();
    }
  });
});

function waitForLine(child: ChildProcess, pattern: RegExp, output: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (pattern.test(output.join(''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}; output:\n${output.join('')}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('npm start on the embedded defaults', () => {
  it('creates the demo tenant once, prints its secrets, and reuses the data folder on the next start', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-start-'));
    chmodSync(dataDir, 0o755);
    const env = { ...process.env, ROSTER_DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) } as NodeJS.ProcessEnv;
    delete env.DATABASE_URL;
    delete env.ROSTER_SECRET;
    try {
      const firstOutput: string[] = [];
      const first = spawn(process.execPath, ['bin/roster.js', 'start'], { env });
      await waitForLine(first, /worker is running/, firstOutput);
      const printed = firstOutput.join('');
      expect(printed).toMatch(/Login:\s+owner@example\.com/);
      expect(printed).toMatch(/Password:\s+\S{12,}/);
      expect(printed).toMatch(/API key:\s+rk_/);
      const health = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
      expect(health.status).toBe(200);

      // A command beside the running server uses that server.
      const beside = roster(['org', 'create', 'Beside', '--json'], env);
      expect(beside.status, beside.stderr).toBe(0);
      await stop(first);

      // A command with nothing running starts the embedded server for itself.
      const alone = roster(['org', 'create', 'Alone', '--json'], env);
      expect(alone.status, alone.stderr).toBe(0);

      const secondOutput: string[] = [];
      const second = spawn(process.execPath, ['bin/roster.js', 'start'], { env });
      await waitForLine(second, /worker is running/, secondOutput);
      expect(secondOutput.join('')).not.toMatch(/Password|API key:/);
      await stop(second);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
