import multipart from '@fastify/multipart';
import { errorResponse } from '../../http/error-response.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { authorize, clientIp, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { faceImportListResponse, faceImportParams, faceImportSchema, faceUploadQuery, listFaceImportsQuery } from './face-imports.schemas.ts';
import { cancelFaceImport, createFaceImport, type FaceImportActor, faceImportReport, getFaceImport, listFaceImports, missingZip, zipTooLarge, type ZipUpload } from './face-imports.service.ts';

const security = [{ consoleToken: [] }];
const tags = ['console: bulk faces'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 413: errorResponse };
const appParams = z.object({ app_id: z.string() });
const rawZipTypes = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'];
const MULTIPART_OVERHEAD = 64 * 1024;

/** Bulk faces (docs/faces.md), for the import roles: upload a ZIP, follow it, read its per-entry report. */
export async function registerFaceImportRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const maxBytes = ctx.config.FACE_IMPORT_MAX_BYTES;
  // Both only in this feature's scope: the ZIP is streamed to storage, never buffered.
  await scope.register(multipart, { limits: { fileSize: maxBytes + 1, files: 1, fields: 10, parts: 20 } });
  scope.addContentTypeParser(rawZipTypes, (_request, payload, done) => done(null, payload));
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireOperator(ctx);

  async function faceImportActor(request: FastifyRequest, appId: string): Promise<FaceImportActor> {
    const operator = operatorOf(request);
    authorize(operator, 'imports.manage');
    const application = await loadOwnedApp(ctx, operator, appId);
    return { operator, appId: application.id, ip: clientIp(request) };
  }

  app.post(
    '/api/console/apps/:app_id/face-imports',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Upload a ZIP of face images (multipart field "file", or the raw body as application/zip); processing starts at once',
        params: appParams,
        querystring: faceUploadQuery,
        response: { 201: faceImportSchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = await faceImportActor(request, request.params.app_id);
      const declared = Number(request.headers['content-length'] ?? Number.NaN);
      if (declared > maxBytes + (request.isMultipart() ? MULTIPART_OVERHEAD : 0)) throw zipTooLarge(maxBytes);
      let upload: ZipUpload;
      if (request.isMultipart()) {
        const part = await request.file();
        if (!part) throw missingZip();
        upload = { stream: part.file, fileName: cleanFileName(part.filename) };
      } else if (isStream(request.body)) {
        upload = { stream: request.body, fileName: cleanFileName(request.query.file_name) };
      } else {
        throw missingZip();
      }
      return reply.status(201).send(await createFaceImport(ctx, actor, upload));
    },
  );

  app.get(
    '/api/console/apps/:app_id/face-imports',
    { onRequest, schema: { tags, security, summary: 'Face imports, newest first', params: appParams, querystring: listFaceImportsQuery, response: { 200: faceImportListResponse, ...errors } } },
    async (request) => {
      const actor = await faceImportActor(request, request.params.app_id);
      return listFaceImports(ctx, actor.appId, request.query.page_size, request.query.cursor);
    },
  );

  app.get(
    '/api/console/apps/:app_id/face-imports/:id',
    { onRequest, schema: { tags, security, summary: 'A face import: status and progress', params: faceImportParams, response: { 200: faceImportSchema, ...errors } } },
    async (request) => {
      const actor = await faceImportActor(request, request.params.app_id);
      return getFaceImport(ctx, actor.appId, request.params.id);
    },
  );

  app.post(
    '/api/console/apps/:app_id/face-imports/:id/cancel',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Cancel a queued or running face import; a running one stops before its next entry and faces added before stay. Cancelling a cancelled one is a no-op',
        params: faceImportParams,
        response: { 200: faceImportSchema, ...errors, 409: errorResponse },
      },
    },
    async (request) => {
      const actor = await faceImportActor(request, request.params.app_id);
      return cancelFaceImport(ctx, actor, request.params.id);
    },
  );

  app.get(
    '/api/console/apps/:app_id/face-imports/:id/report.csv',
    { onRequest, schema: { tags, security, summary: 'Every entry so far: file, vendor_data, outcome (added, skipped, failed) and reason (CSV)', params: faceImportParams } },
    async (request, reply) => {
      const actor = await faceImportActor(request, request.params.app_id);
      const report = await faceImportReport(ctx, actor.appId, request.params.id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${report.fileName}"`).send(report.body);
    },
  );
}

function isStream(body: unknown): body is NodeJS.ReadableStream {
  return typeof body === 'object' && body !== null && typeof (body as NodeJS.ReadableStream).pipe === 'function';
}

/** The name people recognise, without a client's folder path or control characters. */
function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || 'faces.zip').slice(0, 255);
}
