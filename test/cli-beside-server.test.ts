// The command line beside a running `roster start` on the embedded default: every command attaches to the
// server's PostgreSQL and none stops or restarts it (docs/operations.md, "The embedded database").
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { runningPostmaster } from '../src/db/postgres-server.ts';
import { freePort } from './global-setup.ts';
import { type CommandResult, eventually, runRosterCommand, spawnRoster } from './support/roster-process.ts';

/** Runs `roster ARGS` without blocking the event loop, so the /readyz watcher keeps polling meanwhile. */
const roster = (args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> => runRosterCommand(args, env);

/** Polls /readyz every 100 ms and keeps every answer that was not 200. */
function watchReadiness(url: string) {
  const failures: string[] = [];
  let polls = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      polls += 1;
      try {
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
        if (response.status !== 200) failures.push(`${new Date().toISOString()} ${response.status} ${await response.text()}`);
      } catch (error) {
        failures.push(`${new Date().toISOString()} ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    failures,
    polls: () => polls,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

function lastJson(result: CommandResult): Record<string, string> {
  expect(result.status, `${result.stderr}\n${result.stdout}`).toBe(0);
  return JSON.parse(result.stdout.split('\n').at(-1)!) as Record<string, string>;
}

/** Starts `roster start` on a fresh data folder, runs every command of the command line beside it, stops it. */
async function everyCommandBesideTheServer(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-beside-'));
  chmodSync(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, ROSTER_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.ROSTER_SECRET;
  delete env.ROSTER_DB_SCHEMA;
  // spawnRoster lays this over the test process's environment: an empty DATABASE_URL means "embedded".
  const server = await spawnRoster('start', { ...(env as Record<string, string>), DATABASE_URL: '' });
  const settings = JSON.parse(readFileSync(path.join(dataDir, 'embedded-postgres.json'), 'utf8')) as { clusterDir?: string };
  const clusterDir = settings.clusterDir ?? path.join(dataDir, 'pg');
  const postmasterBefore = runningPostmaster(clusterDir);
  expect(postmasterBefore).not.toBeNull();
  const readiness = watchReadiness(server.url);
  try {
    await roster(['migrate'], env).then((result) => expect(result.status, result.stderr).toBe(0));
    lastJson(await roster(['migrate', '--json'], env));
    await roster(['org', 'create', 'Prose', 'Org'], env).then((result) => expect(result.stdout).toMatch(/Created organization/));
    const org = lastJson(await roster(['org', 'create', 'Beside', '--json'], env)).id!;
    await roster(['app', 'create', '--org', org, 'Prose', 'App'], env).then((result) => expect(result.stdout).toMatch(/Created application/));
    const app = lastJson(await roster(['app', 'create', '--org', org, 'Beside', 'App', '--json'], env)).id!;
    await roster(['apikey', 'create', '--app', app], env).then((result) => expect(result.stdout).toMatch(/rk_/));
    expect(lastJson(await roster(['apikey', 'create', '--app', app, '--json'], env)).api_key).toMatch(/^rk_/);
    await roster(['operator', 'create', '--org', org, '--email', 'prose@example.com', '--role', 'ADMIN', '--password', 'a-long-password-1'], env).then((result) =>
      expect(result.status, result.stderr).toBe(0),
    );
    lastJson(await roster(['operator', 'create', '--org', org, '--email', 'json@example.com', '--role', 'READER', '--password', 'a-long-password-2', '--json'], env));
    await roster(['token', 'create', '--email', 'prose@example.com'], env).then((result) => expect(result.stdout).toMatch(/Console token/));
    expect(lastJson(await roster(['token', 'create', '--email', 'json@example.com', '--json'], env)).token).toBeTruthy();
    await roster(['apikey', 'list', '--app', app], env).then((result) => expect(result.status, result.stderr).toBe(0));
    const keys = JSON.parse((await roster(['apikey', 'list', '--app', app, '--json'], env)).stdout) as { results: Array<{ id: string }> };
    lastJson(await roster(['apikey', 'revoke', keys.results[0]!.id, '--app', app, '--json'], env));
    await roster(['operator', 'list', '--org', org], env).then((result) => expect(result.stdout).toMatch(/json@example.com/));
    lastJson(await roster(['operator', 'list', '--org', org, '--json'], env));
    // The server's supervisor checks every second: give a stopped database time to show.
    const pollsAtEnd = readiness.polls();
    await eventually('three more /readyz polls', async () => (readiness.polls() >= pollsAtEnd + 20 ? true : undefined), 30_000);
  } finally {
    await readiness.stop();
  }
  try {
    expect(readiness.failures, 'every /readyz answer while the commands ran').toEqual([]);
    expect(server.output()).not.toMatch(/started again|terminating connection|database_unavailable/);
    expect(runningPostmaster(clusterDir)?.pid, 'the same postmaster throughout').toBe(postmasterBefore!.pid);
    // The server started the cluster and no one else uses it: it stops it on its way out.
    server.child.kill('SIGTERM');
    await server.exited;
    await eventually('the embedded PostgreSQL to stop with the server that started it', async () => (runningPostmaster(clusterDir) === null ? true : undefined), 30_000);
  } finally {
    if (server.alive()) server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    if (settings.clusterDir) rmSync(settings.clusterDir, { recursive: true, force: true });
  }
}

describe('the command line beside a running server on the embedded default', () => {
  it('runs every command (prose and --json) while /readyz stays 200 and the server logs no restart', async () => {
    await everyCommandBesideTheServer();
  }, 240_000);

  it('does the same on two data folders at once', async () => {
    await Promise.all([everyCommandBesideTheServer(), everyCommandBesideTheServer()]);
  }, 300_000);

  it('leaves a cluster it started running while another process uses it, and never stops one it attached to', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-owner-'));
    chmodSync(dataDir, 0o755);
    const starter = await openEmbeddedDatabase(dataDir, await freePort());
    const attached = await openEmbeddedDatabase(dataDir);
    expect([starter.ownsServer, attached.ownsServer]).toEqual([true, false]);
    const client = new pg.Client({ connectionString: attached.url });
    await client.connect();
    try {
      // The command that started the cluster ends while a server uses it: the cluster stays up.
      await starter.stop();
      expect((await client.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
      // A process that attached never stops it, even with no one else connected.
      await client.end();
      await attached.stop();
      expect(runningPostmaster(starter.server.options.clusterDir)).not.toBeNull();
    } finally {
      await client.end().catch(() => {});
      await starter.server.stop('fast');
      rmSync(dataDir, { recursive: true, force: true });
      if (starter.server.options.clusterDir !== path.join(dataDir, 'pg')) rmSync(starter.server.options.clusterDir, { recursive: true, force: true });
    }
  });
});
