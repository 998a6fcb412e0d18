import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../db/database-availability.ts';
import { type ErrorCode, type ErrorCodeWithStatus, errorCodes } from '../shared/error-codes.ts';

export interface ErrorDetail {
  field?: string;
  column?: string;
  code: ErrorCode;
  message: string;
}

/**
 * The one error type: a stable `code` of the catalogue (src/shared/error-codes.ts) for scripts, a
 * message for people; the HTTP status is the code's, from the catalogue.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: ErrorDetail[] | Record<string, unknown>,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = errorCodes[code].status;
  }
}

export const badRequest = (code: ErrorCodeWithStatus<400>, message: string, details?: AppError['details']) => new AppError(code, message, details);
export const unauthorized = (code: ErrorCodeWithStatus<401>, message: string) => new AppError(code, message);
export const forbidden = (code: ErrorCodeWithStatus<403>, message: string, details?: AppError['details']) => new AppError(code, message, details);
export const notFound = (what: string, code: ErrorCodeWithStatus<404> = 'not_found') => new AppError(code, `${what} was not found`);
export const conflict = (code: ErrorCodeWithStatus<409>, message: string) => new AppError(code, message);
export const tooLarge = (code: ErrorCodeWithStatus<413>, message: string) => new AppError(code, message);
export const invalid = (code: ErrorCodeWithStatus<422>, message: string, details?: AppError['details']) => new AppError(code, message, details);

/** Fastify's own error codes for bad requests, mapped to the contract's codes. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_INVALID_TYPE: 'invalid_content_type',
  FST_ERR_BAD_URL: 'bad_url',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'invalid_multipart',
  FST_REQ_FILE_TOO_LARGE: 'file_too_large',
  FST_PARTS_LIMIT: 'too_many_parts',
  FST_FILES_LIMIT: 'too_many_files',
  FST_FIELDS_LIMIT: 'too_many_fields',
  FST_PROTO_VIOLATION: 'invalid_json',
};

export function errorBody(code: ErrorCode, message: string, details?: AppError['details']) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Answers an error with its code's status from the catalogue. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string, details?: AppError['details']): FastifyReply {
  return reply.status(errorCodes[code].status).send(errorBody(code, message, details));
}

function describeSchemaErrors(error: FastifyError): { message: string; details: ErrorDetail[] } {
  const issues = (error.validation ?? []) as unknown as { instancePath?: string; message?: string; params?: { issue?: { path?: PropertyKey[]; message?: string } } }[];
  const context = error.validationContext ?? 'body';
  const details = issues.map((issue): ErrorDetail => {
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
      return sendError(reply, error.code, error.message, error.details);
    }
    // Zod's schema errors (fastify-type-provider-zod) and Fastify's own both arrive as `validation` (the
    // module is not imported for its check: the CLI loads this file, and it pulls in zod's JSON Schema code).
    if ((error as FastifyError).validation) {
      const { message, details } = describeSchemaErrors(error as FastifyError);
      return sendError(reply, (error as FastifyError).validationContext === 'body' ? 'validation_failed' : 'invalid_parameter', message, details);
    }
    const mapped = fastifyCodes[(error as FastifyError).code ?? ''];
    if (mapped) {
      // Answering while the client still sends makes the close reset the connection, and the client never
      // reads the 413: take in (and drop) the rest of the body first, up to a bound.
      if (errorCodes[mapped].status === 413 && !(await discardRestOfBody(request.raw))) reply.header('connection', 'close');
      return sendError(reply, mapped, error.message);
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      // Whatever else Fastify or a plugin refuses keeps the 4xx it chose (bad_request is 400 in the catalogue).
      return reply.status(status).send(errorBody('bad_request', error.message));
    }
    if (isDatabaseUnavailable(error)) {
      // The database is restarting or unreachable: a client should retry, not report a bug.
      request.log.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'database unavailable');
      reply.header('retry-after', '5');
      return sendError(reply, 'database_unavailable', 'The database is not reachable right now; retry in a few seconds.');
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 'internal_error', 'Something went wrong on our side; it has been logged.');
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 'route_not_found', `No route for ${request.method} ${request.url.split('?')[0]}`);
  });
}
