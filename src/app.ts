import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from './context.ts';
import { features } from './features/index.ts';
import { registerConsoleStatic } from './http/console-static.ts';
import { registerErrorHandling, sendError } from './http/errors.ts';
import { loggingOptions, registerOperations } from './http/operations.ts';
import { recordRoutes } from './http/route-table.ts';
import { errorCodes } from './shared/error-codes.ts';
import { docsContentSecurityPolicy, registerSecurityHeaders } from './http/security-headers.ts';

export interface BuildAppOptions {
  logger?: boolean;
}

const JSON_BODY_LIMIT = 1024 * 1024;

/** A hop count trusts that many proxies nearest to us (proxy-addr's rule, as a function: Fastify's types omit numbers). */
function trustProxySetting(setting: number | string[] | false): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggingOptions(ctx, options.logger ?? false),
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: trustProxySetting(ctx.config.TRUST_PROXY),
    // Long ids and search strings are fine; absurd URLs are not.
    routerOptions: { maxParamLength: 4096 },
    ajv: { customOptions: { coerceTypes: 'array' } },
    // The router refuses malformed %-escapes and over-long path segments before any route runs: same error shape.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      sendError(reply, tooLong ? 'path_too_long' : 'bad_url', tooLong ? 'A path segment is too long' : error.message);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  recordRoutes(app);

  await app.register(cookie, { secret: ctx.config.ROSTER_SECRET });
  await registerSecurityHeaders(app, ctx.config);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Roster API', version: '1.0.0', description: 'Users API (x-api-key) and console API (session cookie or Bearer console token). Every error answer is `ErrorResponse`; its codes, with their HTTP status, are the `ErrorCode` schema and the `x-error-codes` extension.' },
      // An OpenAPI extension (its types know no x- keys): code → HTTP status and meaning, for machines.
      ...{ 'x-error-codes': errorCodes },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          consoleToken: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Schemas with an id (ErrorResponse, ErrorCode: src/http/error-response.ts) become components, referenced.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: docsContentSecurityPolicy });

  registerOperations(app, ctx);

  for (const feature of features) {
    if (feature.routes) await app.register(async (scope) => feature.routes!(scope, ctx));
  }
  await registerConsoleStatic(app);
  return app;
}

/** `roster worker`'s HTTP: only /healthz, /readyz and /metrics. */
export async function buildOperationsApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ ...loggingOptions(ctx, options.logger ?? false) });
  registerErrorHandling(app);
  registerOperations(app, ctx);
  return app;
}
