import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../global-setup.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RosterProcess {
  child: ChildProcess;
  command: 'start' | 'serve' | 'worker';
  url: string;
  /** Everything it printed so far. */
  output(): string;
  alive(): boolean;
  /** Resolves with the exit code (or signal name) once it ends. */
  exited: Promise<number | string>;
}

/** Starts `node bin/roster.js COMMAND` on a free port; resolves once it serves /healthz. */
export async function spawnRoster(command: RosterProcess['command'], env: Record<string, string>, timeoutMs = 90_000): Promise<RosterProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['bin/roster.js', command], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: port, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  const process_: RosterProcess = {
    child,
    command,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    exited,
  };
  const deadline = Date.now() + timeoutMs;
  const ready = command === 'worker' ? 'worker is running' : 'is serving on';
  while (!output.includes(ready)) {
    if (!process_.alive()) throw new Error(`roster ${command} exited before it started:\n${output}`);
    if (Date.now() > deadline) throw new Error(`roster ${command} did not start in ${timeoutMs / 1000} s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process_;
}

/** Thrown from an `eventually` check: the awaited state can no longer come (a job failed), so stop waiting now. */
export class GaveUp extends Error {}

/** Polls `check` until it returns a value other than undefined, or throws after the deadline (or at once on GaveUp). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GaveUp) throw new Error(`gave up waiting for ${what}: ${error.message}`);
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
