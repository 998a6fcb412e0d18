import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText, previewOf, startAndFinish } from './support/imports.ts';
import { registerErrorHandling } from '../src/http/errors.ts';
import { registerOperations } from '../src/http/operations.ts';
import { defineJob } from '../src/platform/jobs/jobs.ts';
import { jsonLogger } from '../src/platform/logging.ts';
import { z } from 'zod';
import { eventually } from './support/roster-process.ts';
import { createTestTenant, startTestRoster, type TestRoster } from './harness.ts';

let roster: TestRoster;
beforeAll(async () => {
  roster = await startTestRoster({ METRICS_TOKEN: 'metrics-token-for-tests' });
  await roster.startWorker();
});
afterAll(async () => {
  await roster?.close();
});

describe('/metrics', () => {
  it('needs the bearer METRICS_TOKEN when it is set', async () => {
    expect((await roster.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await roster.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
  });

  it('counts requests by route pattern, jobs by kind and outcome, rows processed, and shows queue depth', async () => {
    const tenant = await createTestTenant(roster.ctx);
    const ready = await previewOf(roster, tenant, csvText([['vendor_data'], ...Array.from({ length: 30 }, (_, i) => [`m-${i}`])]));
    await startAndFinish(roster, tenant, ready.id);
    await roster.app.inject({ method: 'GET', url: '/v3/users/m-1/', headers: tenant.keyAuth });
    const response = await roster.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-for-tests' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v3\/users\/:vendor_data\/",status="200"\} [1-9]/);
    expect(text).toMatch(/roster_job_duration_seconds_count\{kind="imports.run",outcome="completed"\} [1-9]/);
    expect(text).toMatch(/roster_job_duration_seconds_count\{kind="imports.validate",outcome="completed"\} [1-9]/);
    expect(text).toMatch(/roster_rows_processed_total\{kind="import"\} ([3-9]\d|\d{3,})/);
    expect(text).toMatch(/roster_queue_depth\{queue="imports.run"\} \d+/);
  });
});

describe('request ids and error logs', () => {
  it('answers with the caller\'s X-Request-Id, or a generated one', async () => {
    const given = await roster.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers['x-request-id']).toBe('trace-123');
    const generated = await roster.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs every 5xx with its stack and request id at the default level; a lost database is a 503, not a 500', async () => {
    const lines: Record<string, any>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const app = Fastify({ logger: { level: 'info', stream }, genReqId: () => 'req-42' });
    registerErrorHandling(app);
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    app.get('/database-away', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    const logged = lines.find((line) => line.level === 50);
    expect(logged).toMatchObject({ reqId: 'req-42', err: { message: 'boom' } });
    expect(logged!.err.stack).toContain('operations.test.ts');
    const away = await app.inject({ method: 'GET', url: '/database-away' });
    expect(away.statusCode).toBe(503);
    expect(away.headers['retry-after']).toBe('5');
    expect(away.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    await app.close();
  });

  it('writes the services\' and jobs\' own lines as JSON with a level, and the request id or job id they belong to', async () => {
    const lines: Record<string, any>[] = [];
    const log = jsonLogger('info', (line) => lines.push(JSON.parse(line)));
    const app = Fastify({ genReqId: () => 'req-7' });
    registerOperations(app, roster.ctx);
    app.post('/echo', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.warn('in a request');
      return request.body;
    });
    expect((await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } })).statusCode).toBe(200);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'in a request', reqId: 'req-7', pid: process.pid })]);
    await app.close();

    const logged = defineJob<{ n: number }, unknown>({
      name: 'test.logged',
      payload: z.object({ n: z.number() }),
      async handle({ n }) {
        log.info(`job line ${n}`);
      },
    });
    await roster.ctx.jobs.work([logged], {});
    const jobId = await roster.ctx.jobs.send(logged, { n: 1 });
    const line = await eventually('the job\'s line', async () => lines.find((candidate) => candidate.msg === 'job line 1'), 20_000, 50);
    expect(line).toMatchObject({ level: 30, jobId, queue: 'test.logged' });
    expect(line).not.toHaveProperty('reqId');
  });
});
