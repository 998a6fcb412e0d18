import { randomUUID, timingSafeEqual } from 'node:crypto';
import { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { AppContext } from '../context.ts';
import { databaseIsReachable } from '../db/database-availability.ts';
import { logContext } from '../platform/logging.ts';
import { httpRequestDuration, metricsRegistry } from '../platform/metrics.ts';
import { sendError } from './errors.ts';

/** Paths every process serves, `roster worker` included (docs/operations.md#health). */
export const operationsPaths = ['/healthz', '/readyz', '/metrics'];

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify options shared by the API and the worker's small server: JSON logs at LOG_LEVEL with a
 * request id on every line (the caller's X-Request-Id when it is sane, else a UUID), and no per-request
 * access lines unless LOG_LEVEL is debug or trace.
 */
export function loggingOptions(ctx: AppContext, enabled: boolean): Pick<FastifyServerOptions, 'logger' | 'genReqId' | 'requestIdHeader' | 'logController'> {
  const level = ctx.config.LOG_LEVEL;
  return {
    logger: enabled && level !== 'silent' ? { level } : false,
    // Our genReqId reads X-Request-Id itself, so an unsafe value is replaced rather than logged.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    logController: new LogController({ disableRequestLogging: level !== 'debug' && level !== 'trace' }),
  };
}

/** /healthz, /readyz, /metrics, the request-duration histogram and the X-Request-Id answer header. */
export function registerOperations(app: FastifyInstance, ctx: AppContext): void {
  // Callback hooks, not async ones: on the hottest routes every promise per request shows.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Lines the services log while this request runs carry its id, as Fastify's own request lines do.
    logContext.run({ reqId: String(request.id) }, done);
  });
  // Again once the body is read: its stream's events may have run in another async context.
  app.addHook('preHandler', (request, _reply, done) => logContext.run({ reqId: String(request.id) }, done));
  app.addHook('onResponse', (request, reply, done) => {
    // The route's pattern, not its URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  // Liveness: the process is up and past start-up. It does not touch the database, so an orchestrator
  // does not restart every process during a database outage.
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' as const }));

  // Readiness: 200 while the database answers, 503 otherwise (take this process out of rotation).
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (!(await databaseIsReachable(ctx.database))) return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    return { status: 'ok', database: 'ok' };
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const token = ctx.config.METRICS_TOKEN;
    if (token && !bearerMatches(request.headers.authorization, token)) {
      return sendError(reply.header('www-authenticate', 'Bearer'), 'invalid_metrics_token', 'Send Authorization: Bearer METRICS_TOKEN');
    }
    reply.header('content-type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
