import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../global-setup.ts';

export interface RosterProcess {
  url: string;
  dataDir: string;
  owner: { email: string; password: string };
  apiKey: string;
  appId: string;
  orgId: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

function field(output: string, label: string): string {
  const match = new RegExp(`${label}:\\s+(\\S+)`).exec(output);
  if (!match) throw new Error(`Roster's first start did not print "${label}":\n${output}`);
  return match[1];
}

/**
 * Starts the real product the way a user does (`node bin/roster.js start`) on a fresh data
 * folder and free ports, and reads the demo tenant's secrets from its first-start banner.
 */
export async function startRosterProcess(): Promise<RosterProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-browser-'));
  // The embedded PostgreSQL runs as the postgres OS user when we are root: it must reach the folder.
  chmodSync(dataDir, 0o755);
  const [port, pgPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, ['bin/roster.js', 'start'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: '',
      ROSTER_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(pgPort),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_READS_PER_MINUTE: '0',
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      // Small chunks keep a 60,000-row run going for a few seconds, so progress and cancel can be watched.
      ROSTER_IMPORT_CHUNK_ROWS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Roster did not start within 90 s:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Roster is serving on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Roster exited with ${code} before serving:\n${output}`));
    });
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    owner: { email: field(output, 'Login'), password: field(output, 'Password') },
    apiKey: field(output, 'API key'),
    appId: /application ([0-9a-f-]{36})/.exec(output)?.[1] ?? field(output, 'application'),
    orgId: field(output, 'Organization'),
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
