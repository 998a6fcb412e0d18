import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { errorResponse } from '../../http/error-response.ts';
import { AppError } from '../../http/errors.ts';
import { sendLinkErrorPage, wantsPage } from '../../http/link-error-page.ts';
import { attachmentDisposition } from '../../platform/storage/object-storage.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { clientIp, operatorOf, requireOperator } from '../auth/index.ts';
import { type AccessPackageDownload, getAccessPackage, listUserAccessPackages, openAccessPackageDownload, presentAccessPackage, requestAccessPackage } from './access-packages.service.ts';

const accessPackageSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  didit_internal_id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'expired']),
  requested_by: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  download_url: z.string().nullable().describe('Signed link to the ZIP, present while it may be downloaded'),
  expires_at: z.string().nullable(),
  bytes: z.number().nullable(),
  files: z.array(z.object({ name: z.string(), bytes: z.number() })).nullable().describe('The files in the ZIP'),
  error: z.string().nullable(),
});

const security = [{ consoleToken: [] }];
const tags = ['console: privacy'];
const userParams = z.object({ app_id: z.string(), didit_internal_id: z.string() });

export async function registerAccessPackageRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const preHandler = requireOperator(ctx);

  app.post(
    '/api/console/apps/:app_id/users/:didit_internal_id/access-package',
    {
      preHandler,
      schema: {
        tags,
        security,
        summary: "Build a user's subject-access package (OWNER, ADMIN, COMPLIANCE_OFFICER): a ZIP of everything Roster holds about them, mailed as a signed link",
        params: userParams,
        response: { 202: accessPackageSchema, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request, reply) => {
      const operator = operatorOf(request);
      const record = await requestAccessPackage(ctx, operator, request.params.app_id, request.params.didit_internal_id, clientIp(request));
      return reply.status(202).send(presentAccessPackage(ctx, record));
    },
  );

  app.get(
    '/api/console/apps/:app_id/users/:didit_internal_id/access-packages',
    { preHandler, schema: { tags, security, summary: "A user's access packages, newest first (the latest 20)", params: userParams, response: { 200: z.object({ results: z.array(accessPackageSchema), next: z.null() }) } } },
    async (request) => {
      const records = await listUserAccessPackages(ctx, operatorOf(request), request.params.app_id, request.params.didit_internal_id);
      return { results: records.map((record) => presentAccessPackage(ctx, record)), next: null };
    },
  );

  app.get(
    '/api/console/apps/:app_id/access-packages/:id',
    { preHandler, schema: { tags, security, summary: 'One access package', params: z.object({ app_id: z.string(), id: z.string() }), response: { 200: accessPackageSchema, 403: errorResponse, 404: errorResponse } } },
    async (request) => presentAccessPackage(ctx, await getAccessPackage(ctx, operatorOf(request), request.params.app_id, request.params.id)),
  );

  // No session: the signed link from the email is the credential (checked before anything is read).
  app.get(
    '/api/console/access-packages/:id/download',
    {
      schema: {
        tags,
        summary: 'Download an access package through its signed link',
        params: z.object({ id: z.string() }),
        querystring: z.object({ expires: safeString({ max: 20 }).optional(), sig: safeString({ max: 200 }).optional() }),
        response: { 403: errorResponse, 404: errorResponse, 410: errorResponse },
      },
    },
    async (request, reply) => {
      let download: AccessPackageDownload;
      try {
        download = await openAccessPackageDownload(ctx, request.params.id, request.query, clientIp(request), { headOnly: request.method === 'HEAD' });
      } catch (error) {
        if (error instanceof AppError && wantsPage(request)) return sendLinkErrorPage(reply, error.code, error.message);
        throw error;
      }
      reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
      if (download.kind === 'redirect') return reply.redirect(download.url, 302);
      reply.header('content-type', 'application/zip').header('content-disposition', attachmentDisposition(download.fileName)).header('x-content-type-options', 'nosniff');
      if (download.bytes !== null) reply.header('content-length', download.bytes);
      return reply.send((download.kind === 'stream' ? download.body : Readable.from([])) as never);
    },
  );
}
