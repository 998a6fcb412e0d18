import { Readable } from 'node:stream';
import { errorResponse } from '../../http/error-response.ts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { attachmentDisposition } from '../../platform/storage/object-storage.ts';
import { exportColumns } from '../../shared/user-columns.ts';
import { userFilterBodySchema } from '../users/index.ts';
import { clientIp, operatorOf, requireOperator } from '../auth/index.ts';
import { getExport, listExportsPage, openExportDownload, presentExport, requestExport, revokeExport, cancelExport } from './exports.service.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { AppError } from '../../http/errors.ts';
import { sendLinkErrorPage, wantsPage } from '../../http/link-error-page.ts';

const exportSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'expired']),
  filters: z.record(z.string(), z.unknown()),
  redacted: z.array(z.string()).describe('Filters withheld from your role (docs/roles.md#personal-data-by-role), null in `filters`: a search over personal fields'),
  columns: z.array(z.string()),
  row_count: z.number().nullable(),
  rows_written: z.number().nullable().describe('While running: rows written to the file so far (null otherwise)'),
  created_by: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  download_url: z.string().nullable().describe('Signed link, present while the completed file may be downloaded'),
  expires_at: z.string().nullable(),
  error: z.string().nullable(),
  revoked_at: z.string().nullable().describe('When an OWNER revoked the download link; the link no longer works'),
  schedule_id: z.string().nullable().describe('The export schedule whose run made this export; null when asked for by hand'),
  format: z.enum(['csv', 'jsonl', 'parquet']),
  compression: z.enum(['none', 'gzip']),
  as_of_seq: z.number().nullable().describe('The change feed seq the rows reflect: the state after exactly the changes up to it'),
  since_seq: z.number().nullable().describe('Incremental: users changed after this seq (deleted ones as `_deleted` rows)'),
  parts: z
    .array(z.object({ name: z.string(), rows: z.number(), bytes: z.number(), sha256: z.string(), download_url: z.string().nullable() }))
    .describe('The files: data parts (each under EXPORT_PART_BYTES), then manifest.json'),
});


// Unknown filter names pass the schema so the service can answer `unknown_filter` naming them.
const exportRequestBody = z
  .object({
    filters: userFilterBodySchema.loose().optional().describe('The same filters as the users list; omitted means every user'),
    columns: z
      .array(z.string())
      .max(exportColumns.length * 2)
      .optional()
      .describe(`Columns in file order; omitted means every column your role may export. Known: ${exportColumns.join(', ')}`),
    format: z.string().optional().describe('csv (default), jsonl or parquet'),
    compression: z.string().optional().describe('none (default) or gzip (csv and jsonl)'),
    since_seq: z.number().nullable().optional().describe('Only users changed after this seq (an earlier export\'s as_of_seq); deleted users as `_deleted` rows'),
  })
  .strict();

const appParams = z.object({ app_id: z.string() });
const appItemParams = z.object({ app_id: z.string(), id: z.string() });
const listQuery = z.object({
  cursor: safeString({ max: 200 }).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').default(20),
});

const security = [{ consoleToken: [] }];
const tags = ['console: exports'];

export async function registerExportRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const preHandler = requireOperator(ctx);

  app.post(
    '/api/console/apps/:app_id/exports',
    {
      preHandler,
      schema: {
        tags,
        security,
        summary: 'Request an export (CSV, JSONL or Parquet; full or since a seq) of the users matching the filters; the files are built in the background and the link emailed',
        params: appParams,
        body: exportRequestBody,
        response: { 202: exportSchema, 403: errorResponse, 404: errorResponse, 410: errorResponse, 422: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const operator = operatorOf(request);
      const record = await requestExport(ctx, operator, request.params.app_id, request.body, clientIp(request));
      return reply.status(202).send(presentExport(ctx, record, operator));
    },
  );

  app.get(
    '/api/console/apps/:app_id/exports',
    {
      preHandler,
      schema: { tags, security, summary: "The application's exports, newest first", params: appParams, querystring: listQuery, response: { 200: z.object({ results: z.array(exportSchema), next: z.string().nullable() }) } },
    },
    async (request) => {
      const operator = operatorOf(request);
      const page = await listExportsPage(ctx, operator, request.params.app_id, request.query);
      return { results: page.results.map((record) => presentExport(ctx, record, operator)), next: page.next };
    },
  );

  app.get(
    '/api/console/apps/:app_id/exports/:id',
    { preHandler, schema: { tags, security, summary: 'One export', params: appItemParams, response: { 200: exportSchema, 404: errorResponse } } },
    async (request) => {
      const operator = operatorOf(request);
      return presentExport(ctx, await getExport(ctx, operator, request.params.app_id, request.params.id), operator);
    },
  );

  app.post(
    '/api/console/apps/:app_id/exports/:id/revoke',
    {
      preHandler,
      schema: { tags, security, summary: "Revoke an export's download link at once (OWNER); idempotent", params: appItemParams, response: { 200: exportSchema, 403: errorResponse, 404: errorResponse } },
    },
    async (request) => {
      const operator = operatorOf(request);
      return presentExport(ctx, await revokeExport(ctx, operator, request.params.app_id, request.params.id, clientIp(request)), operator);
    },
  );

  app.post(
    '/api/console/apps/:app_id/exports/:id/cancel',
    {
      preHandler,
      schema: {
        tags,
        security,
        summary: 'Cancel a queued or running export (its requester, or an OWNER); a running one stops at its next chunk. Cancelling a cancelled export is a no-op',
        params: appItemParams,
        response: { 200: exportSchema, 403: errorResponse, 404: errorResponse, 409: errorResponse },
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      return presentExport(ctx, await cancelExport(ctx, operator, request.params.app_id, request.params.id, clientIp(request)), operator);
    },
  );

  // No session: the signed link from the email is the credential (it is checked before anything is read).
  app.get(
    '/api/console/exports/:id/download',
    {
      schema: {
        tags,
        summary: 'Download an export through its signed link (from the email or `download_url`)',
        params: z.object({ id: z.string() }),
        querystring: z.object({ part: safeString({ max: 200 }).optional(), expires: safeString({ max: 20 }).optional(), sig: safeString({ max: 200 }).optional() }),
        response: { 403: errorResponse, 410: errorResponse },
      },
    },
    async (request, reply) => {
      let download: Awaited<ReturnType<typeof openExportDownload>>;
      try {
        download = await openExportDownload(ctx, request.params.id, request.query, clientIp(request), { headOnly: request.method === 'HEAD' });
      } catch (error) {
        // Opened from an email in a browser: a refusal in words, not JSON (src/http/link-error-page.ts).
        if (error instanceof AppError && wantsPage(request)) return sendLinkErrorPage(reply, error.code, error.message);
        throw error;
      }
      reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
      if (download.kind === 'redirect') return reply.redirect(download.url, 302);
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', attachmentDisposition(download.fileName))
        .header('x-content-type-options', 'nosniff');
      if (download.bytes !== null) reply.header('content-length', download.bytes);
      // An empty stream, not an empty body: Fastify's HEAD handling would otherwise reset Content-Length to 0.
      return reply.send((download.kind === 'stream' ? download.body : Readable.from([])) as never);
    },
  );
}
