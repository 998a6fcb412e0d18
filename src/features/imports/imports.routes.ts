import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.ts';
import { type ErrorDetail, invalid } from '../../http/errors.ts';
import { authorize, clientIp, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { templateCsv } from './import-files.ts';
import { discardImport } from './discard-import.service.ts';
import { previewRevert, requestRevert, revertConflictsReport } from './revert/import-revert.service.ts';
import { registerMigrationRoutes } from './mapping/migration.routes.ts';
import { appParams, importListResponse, importParams, importSchema, listImportsQuery, listRowsQuery, revertPreviewSchema, rowsResponse, startBody, toImportView, uploadQuery } from './imports.schemas.ts';
import {
  cancelImport,
  createImport,
  errorReport,
  fileTooLarge,
  getImport,
  type ImportActor,
  listImportRows,
  listImports,
  missingFile,
  startImport,
  type StartOptions,
  type Upload,
} from './imports.service.ts';
import { errorResponse } from '../../http/error-response.ts';

const security = [{ consoleToken: [] }];
const tags = ['console: imports'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 410: errorResponse, 413: errorResponse };
// Raw bodies streamed as files; JSON files go as multipart, octet-stream or NDJSON (application/json bodies are the API's own).
const rawCsvTypes = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream', 'application/vnd.ms-excel', 'application/x-ndjson', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
// Room for the multipart envelope around a file of exactly IMPORT_MAX_BYTES.
const MULTIPART_OVERHEAD = 64 * 1024;

/** The CSV import (OWNER, ADMIN, COMPLIANCE_OFFICER): upload, preview, run, cancel, history. */
export async function registerImportRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const maxBytes = ctx.config.IMPORT_MAX_BYTES;
  // Both only in this feature's scope: a multipart part or a raw body is streamed, never buffered.
  await scope.register(multipart, { limits: { fileSize: maxBytes + 1, files: 1, fields: 10, parts: 20 } });
  scope.addContentTypeParser(rawCsvTypes, (_request, payload, done) => done(null, payload));

  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireOperator(ctx);

  /** The operator may manage imports of this application (roles first: a READER learns nothing about ids). */
  async function importActor(request: FastifyRequest, appId: string): Promise<ImportActor> {
    const operator = operatorOf(request);
    authorize(operator, 'imports.manage');
    const application = await loadOwnedApp(ctx, operator, appId);
    return { operator, appId: application.id, ip: clientIp(request) };
  }

  app.get(
    '/api/console/apps/:app_id/imports/template.csv',
    { onRequest, schema: { tags, security, summary: 'The import template: the columns an import takes and one example row', params: appParams } },
    async (request, reply) => {
      await importActor(request, request.params.app_id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="roster-import-template.csv"').send(templateCsv());
    },
  );

  app.post(
    '/api/console/apps/:app_id/imports',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Upload a CSV (multipart field "file", or the raw body as text/csv); validation starts at once',
        params: appParams,
        querystring: uploadQuery,
        response: { 201: importSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = await importActor(request, request.params.app_id);
      const declared = Number(request.headers['content-length'] ?? Number.NaN);
      if (declared > maxBytes + (request.isMultipart() ? MULTIPART_OVERHEAD : 0)) throw fileTooLarge(maxBytes);
      const { tags_mode, metadata_mode, invalid_cells } = request.query;
      const settings = { defaultRegion: request.query.default_region, preset: request.query.preset, writeOptions: { tags_mode, metadata_mode, invalid_cells } };
      let upload: Upload;
      if (request.isMultipart()) {
        const part = await request.file();
        if (!part) throw missingFile();
        upload = { stream: part.file, fileName: cleanFileName(part.filename), mode: request.query.mode, settings };
      } else if (isStream(request.body)) {
        upload = { stream: request.body, fileName: cleanFileName(request.query.file_name ?? dispositionName(request.headers['content-disposition'])), mode: request.query.mode, settings };
      } else {
        throw missingFile();
      }
      return reply.status(201).send(await createImport(ctx, actor, upload));
    },
  );

  registerMigrationRoutes(scope, onRequest, importActor, ctx);

  app.get(
    '/api/console/apps/:app_id/imports',
    { onRequest, schema: { tags, security, summary: 'Import history, newest first', params: appParams, querystring: listImportsQuery, response: { 200: importListResponse, ...errors } } },
    async (request) => {
      const actor = await importActor(request, request.params.app_id);
      return listImports(ctx, actor.appId, request.query.page_size, request.query.cursor);
    },
  );

  app.get(
    '/api/console/apps/:app_id/imports/:id',
    { onRequest, schema: { tags, security, summary: 'An import: status, preview counts, run progress', params: importParams, response: { 200: importSchema, ...errors } } },
    async (request) => {
      const actor = await importActor(request, request.params.app_id);
      return toImportView(await getImport(ctx, actor.appId, request.params.id));
    },
  );

  app.get(
    '/api/console/apps/:app_id/imports/:id/rows',
    { onRequest, schema: { tags, security, summary: "The preview's rows, with each one's action and errors", params: importParams, querystring: listRowsQuery, response: { 200: rowsResponse, ...errors } } },
    async (request) => {
      const actor = await importActor(request, request.params.app_id);
      return listImportRows(ctx, actor.appId, request.params.id, request.query);
    },
  );

  app.get(
    '/api/console/apps/:app_id/imports/:id/errors.csv',
    { onRequest, schema: { tags, security, summary: 'Every invalid row: its line, its reasons and its cells (CSV)', params: importParams } },
    async (request, reply) => {
      const actor = await importActor(request, request.params.app_id);
      const report = await errorReport(ctx, actor.appId, request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${report.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`)
        .send(report.body);
    },
  );

  app.post(
    '/api/console/apps/:app_id/imports/:id/start',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Run a ready import; optional body {mode, reason, allow_unblock, tags_mode, metadata_mode} (status changes need a reason; lifting BLOCKED needs allow_unblock; invalid_cells must match the preview)',
        params: importParams,
        response: { 202: importSchema, ...errors, 422: errorResponse },
      },
    },
    async (request, reply) => {
      // Role and tenant first (a READER learns nothing), then the optional body.
      const actor = await importActor(request, request.params.app_id);
      return reply.status(202).send(await startImport(ctx, actor, request.params.id, parseStartBody(request.body)));
    },
  );

  registerRevertRoutes(app, ctx, onRequest, importActor);

  app.post(
    '/api/console/apps/:app_id/imports/:id/cancel',
    { onRequest, schema: { tags, security, summary: 'Cancel an import that has not finished (a run stops between chunks)', params: importParams, response: { 202: importSchema, ...errors } } },
    async (request, reply) => reply.status(202).send(await cancelImport(ctx, await importActor(request, request.params.app_id), request.params.id)),
  );

  app.post(
    '/api/console/apps/:app_id/imports/:id/discard',
    {
      onRequest,
      schema: { tags, security, summary: 'Discard a previewed import that was never started (ready or needs_mapping): it ends cancelled (error discarded), its file and staged rows are deleted now', params: importParams, response: { 200: importSchema, ...errors } },
    },
    async (request) => discardImport(ctx, await importActor(request, request.params.app_id), request.params.id),
  );
}

/** Revert (docs/import-ledger.md#revert): the job, its dry run and its conflicts report. */
function registerRevertRoutes(app: ReturnType<FastifyInstance['withTypeProvider']>, ctx: AppContext, onRequest: ReturnType<typeof requireOperator>, importActor: (request: FastifyRequest, appId: string) => Promise<ImportActor>) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/api/console/apps/:app_id/imports/:id/revert',
    { onRequest, schema: { tags, security, summary: 'Revert an ended import (once): a job restores fields still at their imported value, deletes untouched created users, lists the rest as conflicts', params: importParams, response: { 202: importSchema, ...errors } } },
    async (request, reply) => reply.status(202).send(await requestRevert(ctx, await importActor(request, request.params.app_id), request.params.id)),
  );
  typed.get(
    '/api/console/apps/:app_id/imports/:id/revert-preview',
    { onRequest, schema: { tags, security, summary: 'Dry run of a revert: users it would restore, delete, and conflicts it would leave', params: importParams, response: { 200: revertPreviewSchema, ...errors } } },
    async (request) => previewRevert(ctx, await importActor(request, request.params.app_id), request.params.id),
  );
  typed.get(
    '/api/console/apps/:app_id/imports/:id/revert-conflicts.csv',
    { onRequest, schema: { tags, security, summary: 'What the revert left as it was: vendor_data, field, reason (CSV)', params: importParams } },
    async (request, reply) => {
      const actor = await importActor(request, request.params.app_id);
      const report = await revertConflictsReport(ctx, actor.appId, request.params.id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${report.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`).send(report.body);
    },
  );
}

/** The start body is optional JSON; read here (not by the route schema) so roles and tenancy answer first. */
function parseStartBody(body: unknown): StartOptions {
  if (body === undefined || body === null || isStream(body)) return {};
  const parsed = startBody.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue): ErrorDetail => ({ field: issue.path.join('.') || 'body', code: 'invalid_parameter', message: issue.message }));
    throw invalid('invalid_start_options', details.map((detail) => `${detail.field}: ${detail.message}`).join('; '), details);
  }
  return parsed.data ?? {};
}

function isStream(body: unknown): body is NodeJS.ReadableStream {
  return typeof body === 'object' && body !== null && typeof (body as NodeJS.ReadableStream).pipe === 'function';
}

function dispositionName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1]!);
    } catch {
      // Fall back to the plain form.
    }
  }
  return /filename="?([^";]+)"?/i.exec(header)?.[1];
}

/** The name people recognise, without a client's folder path or control characters. */
function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || 'import.csv').slice(0, 255);
}
