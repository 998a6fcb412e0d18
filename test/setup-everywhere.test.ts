import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './global-setup.ts';
import { eventually } from './support/roster-process.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = process.getuid?.() === 0;
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

/**
 * A fresh clone of this checkout in a private (0700) folder made by mktemp, with node_modules hard-linked
 * from ours (npm install would fetch the same files). Returns the clone's folder.
 */
function privateClone(owner?: { uid: number; gid: number }): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'roster-clone-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  expect(statSync(folder).mode & 0o777).toBe(0o700);
  const clone = path.join(folder, 'roster');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, clone]);
  // Our working tree may be ahead of its last commit: the files under test are the ones here.
  execFileSync('cp', ['-a', path.join(repoRoot, 'src'), path.join(repoRoot, 'bin'), path.join(repoRoot, 'package.json'), clone]);
  execFileSync('cp', ['-al', path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules')]);
  if (owner) {
    // Only the folders it must write in: chown of hard-linked files would change ours too.
    for (const dir of [folder, clone]) chownSync(dir, owner.uid, owner.gid);
  }
  return clone;
}

interface Started {
  output: string;
  stop(): Promise<void>;
}

async function npmStart(clone: string, env: Record<string, string>, user?: { uid: number; gid: number }): Promise<Started> {
  const child = spawn(process.execPath, ['bin/roster.js', 'start'], {
    cwd: clone,
    env: { PATH: process.env.PATH!, HOME: clone, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user ?? {}),
  });
  const started: Started = {
    output: '',
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  child.stdout.on('data', (data: Buffer) => (started.output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (started.output += data.toString()));
  await eventually('roster start to serve', async () => {
    if (child.exitCode !== null) throw new Error(`roster start exited ${child.exitCode}:\n${started.output}`);
    return started.output.includes('worker is running') ? true : undefined;
  }, 120_000, 100);
  return started;
}

function tempPasswordFiles(): string[] {
  return readdirSync(os.tmpdir()).filter((name) => name.startsWith('pg-password-'));
}

/** Holds the default embedded port (if nobody else does already), so start-up must pick another. */
async function occupyDefaultPort(): Promise<void> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => {
    server.once('error', () => resolve());
    server.listen(54_329, '127.0.0.1', () => resolve());
  });
  cleanups.push(() => server.close());
}

describe.skipIf(!isRoot)('the README commands on a fresh clone in a private folder', () => {
  it('start as root: the cluster is owned by postgres (0700), a busy port is swapped for a free one and remembered, no password file in the temp folder', { timeout: 240_000 }, async () => {
    await occupyDefaultPort();
    const passwordFilesBefore = tempPasswordFiles();
    const clone = privateClone();
    const port = await freePort();
    const started = await npmStart(clone, { PORT: String(port) });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(started.output).toMatch(/Login:\s+owner@example\.com/);

    const settings = JSON.parse(readFileSync(path.join(clone, 'data', 'embedded-postgres.json'), 'utf8')) as { port: number; clusterDir?: string };
    expect(settings.port).not.toBe(54_329);
    const clusterDir = settings.clusterDir ?? path.join(clone, 'data', 'pg');
    cleanups.push(() => rmSync(clusterDir, { recursive: true, force: true }));
    const cluster = statSync(clusterDir);
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    expect(cluster.uid).toBe(postgresUid);
    expect(cluster.mode & 0o777).toBe(0o700);
    expect(tempPasswordFiles()).toEqual(passwordFilesBefore);
    await started.stop();

    // The second start finds the same port in the data folder and prints no secrets.
    const again = await npmStart(clone, { PORT: String(port) });
    expect(again.output).not.toMatch(/Password:/);
    expect(JSON.parse(readFileSync(path.join(clone, 'data', 'embedded-postgres.json'), 'utf8')).port).toBe(settings.port);
    await again.stop();
  });

  it('start as a normal user in their own private folder', { timeout: 240_000 }, async () => {
    const user = { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim()) };
    const clone = privateClone(user);
    const port = await freePort();
    const started = await npmStart(clone, { PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()) }, user);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const cluster = statSync(path.join(clone, 'data', 'pg'));
    expect(cluster.uid).toBe(user.uid);
    expect(cluster.mode & 0o777).toBe(0o700);
    expect(existsSync(path.join(clone, 'data', 'secret'))).toBe(true);
    await started.stop();
  });
});
