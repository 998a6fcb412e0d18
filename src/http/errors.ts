import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseUnavailable } from '../db/database-availability.ts';

export interface ErrorDetail {
  field?: string;
  column?: string;
  code: string;
  message: string;
}

/** The one error type: a stable `code` for scripts, a message for people, an HTTP status. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: ErrorDetail[] | Record<string, unknown>,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: AppError['details']) => new AppError(400, code, message, details);
export const unauthorized = (code: string, message: string) => new AppError(401, code, message);
export const forbidden = (code: string, message: string, details?: AppError['details']) => new AppError(403, code, message, details);
export const notFound = (what: string, code = 'not_found') => new AppError(404, code, `${what} was not found`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooLarge = (code: string, message: string) => new AppError(413, code, message);
export const invalid = (code: string, message: string, details?: AppError['details']) => new AppError(422, code, message, details);

/** Fastify's own error codes for bad requests, mapped to the contract's codes. */
const fastifyCodes: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'invalid_content_type' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 400, code: 'invalid_multipart' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'file_too_large' },
  FST_PARTS_LIMIT: { status: 413, code: 'too_many_parts' },
  FST_FILES_LIMIT: { status: 413, code: 'too_many_files' },
  FST_FIELDS_LIMIT: { status: 413, code: 'too_many_fields' },
  FST_PROTO_VIOLATION: { status: 400, code: 'invalid_json' },
};

export function errorBody(code: string, message: string, details?: AppError['details']) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function describeSchemaErrors(error: FastifyError): { message: string; details: ErrorDetail[] } {
  const issues = (error.validation ?? []) as unknown as { instancePath?: string; message?: string; params?: { issue?: { path?: PropertyKey[]; message?: string } } }[];
  const context = error.validationContext ?? 'body';
  const details = issues.map((issue) => {
    const zodPath = issue.params?.issue?.path;
    const field = zodPath && zodPath.length > 0 ? zodPath.map(String).join('.') : (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || context;
    return { field, code: 'invalid_field', message: issue.params?.issue?.message ?? issue.message ?? 'is invalid' };
  });
  const message = details.map((detail) => `${detail.field}: ${detail.message}`).join('; ') || `the ${context} is invalid`;
  return { message, details };
}

const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

/** Reads and drops what is left of a request body; false when it was more than 64 MB or took over 10 s. */
function discardRestOfBody(raw: IncomingMessage): Promise<boolean> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onEnd);
      raw.off('close', onEnd);
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DISCARD_MAX_BYTES) finish(false);
    };
    const onEnd = () => finish(raw.complete);
    const timer = setTimeout(() => finish(false), DISCARD_MAX_MS);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('error', onEnd);
    raw.once('close', onEnd);
    raw.resume();
  });
}

/** The single place where errors become HTTP responses. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
    }
    // Zod's schema errors (fastify-type-provider-zod) and Fastify's own both arrive as `validation` (the
    // module is not imported for its check: the CLI loads this file, and it pulls in zod's JSON Schema code).
    if ((error as FastifyError).validation) {
      const { message, details } = describeSchemaErrors(error as FastifyError);
      const status = (error as FastifyError).validationContext === 'body' ? 422 : 400;
      const code = (error as FastifyError).validationContext === 'body' ? 'validation_failed' : 'invalid_parameter';
      return reply.status(status).send(errorBody(code, message, details));
    }
    const mapped = fastifyCodes[(error as FastifyError).code ?? ''];
    if (mapped) {
      // Answering while the client still sends makes the close reset the connection, and the client never
      // reads the 413: take in (and drop) the rest of the body first, up to a bound.
      if (mapped.status === 413 && !(await discardRestOfBody(request.raw))) reply.header('connection', 'close');
      return reply.status(mapped.status).send(errorBody(mapped.code, error.message));
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send(errorBody('bad_request', error.message));
    }
    if (isDatabaseUnavailable(error)) {
      // The database is restarting or unreachable: a client should retry, not report a bug.
      request.log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'database unavailable');
      reply.header('retry-after', '5');
      return reply.status(503).send(errorBody('database_unavailable', 'The database is not reachable right now; retry in a few seconds.'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('internal_error', 'Something went wrong on our side; it has been logged.'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
