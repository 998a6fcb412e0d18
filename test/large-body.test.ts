import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from './harness.ts';
import { type RosterProcess, spawnRoster } from './support/roster-process.ts';

let roster: TestRoster;
let server: RosterProcess;
let tenant: TestTenant;
let baseUrl: string;

// A real `roster serve` process: a client in another process is what sees a reset connection.
beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  server = await spawnRoster('serve', {
    DATABASE_URL: roster.databaseUrl,
    ROSTER_DB_SCHEMA: roster.schema,
    ROSTER_DATA_DIR: roster.dataDir,
    ROSTER_SECRET: roster.config.ROSTER_SECRET,
  });
  baseUrl = server.url;
}, 120_000);
afterAll(async () => {
  if (server?.alive()) server.child.kill('SIGKILL');
  await roster?.close();
});

describe('a body over the limit', () => {
  it('is answered 413 and the client reads that answer, every time (50 tries, 5 MB, Node fetch)', { timeout: 120_000 }, async () => {
    const body = JSON.stringify({ vendor_data: 'big', metadata: { blob: 'x'.repeat(5 * 1024 * 1024) } });
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const response = await fetch(`${baseUrl}/v3/users/create/`, { method: 'POST', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, body });
        const answer = (await response.json()) as { error?: { code: string } };
        outcomes.push(`${response.status} ${answer.error?.code}`);
      } catch (error) {
        outcomes.push(`failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
      }
    }
    expect(outcomes.filter((outcome) => outcome !== '413 body_too_large')).toEqual([]);
  });

  it('is answered 413 too when the body streams in without a Content-Length (chunked)', { timeout: 120_000 }, async () => {
    const piece = new TextEncoder().encode('x'.repeat(64 * 1024));
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"vendor_data":"big","metadata":{"blob":"'));
          if (sent >= 80) {
            controller.enqueue(new TextEncoder().encode('"}}'));
            controller.close();
            return;
          }
          sent += 1;
          controller.enqueue(piece);
        },
      });
      try {
        const init = { method: 'POST', headers: { ...tenant.keyAuth, 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit;
        const response = await fetch(`${baseUrl}/v3/users/create/`, init);
        outcomes.push(`${response.status} ${((await response.json()) as { error?: { code: string } }).error?.code}`);
      } catch (error) {
        outcomes.push(`failed: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
      }
    }
    expect(outcomes.filter((outcome) => outcome !== '413 body_too_large')).toEqual([]);
  });
});
