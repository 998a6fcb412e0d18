import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { errorResponse } from '../../http/error-response.ts';
import { printablePagePolicy } from '../../http/html.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { clientIp, operatorOf, requireOperator } from '../auth/index.ts';
import type { PrivacySettings } from './privacy-settings.repository.ts';
import { changePrivacySettings, getPrivacySettings, getProcessingRecord } from './privacy-settings.service.ts';
import { processingRecordHtml } from './processing-record-page.ts';

const MAX_ITEMS = 50;
const statement = safeString({ trim: true, min: 1, max: 500 });
const statements = z.array(statement).max(MAX_ITEMS, `at most ${MAX_ITEMS} items`);

const settingsSchema = z.object({
  purposes: z.array(z.string()).describe('Why the application processes personal data, one statement each'),
  sources: z.array(z.string()).describe('Where the data comes from, one statement each'),
  controller: z.string().nullable().describe('Who is responsible for the processing: name and contact'),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
});

const settingsBody = z
  .object({
    purposes: statements.optional(),
    sources: statements.optional(),
    controller: safeString({ trim: true, min: 1, max: 1000 }).nullable().optional(),
  })
  .strict();

const present = (settings: PrivacySettings) => ({ ...settings, updated_at: settings.updated_at?.toISOString() ?? null });

const security = [{ consoleToken: [] }];
const tags = ['console: privacy'];
const appParams = z.object({ app_id: z.string() });

export async function registerPrivacySettingsRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const preHandler = requireOperator(ctx);

  app.get(
    '/api/console/apps/:app_id/privacy-settings',
    { preHandler, schema: { tags, security, summary: "The application's purposes, sources and controller (OWNER, ADMIN, COMPLIANCE_OFFICER)", params: appParams, response: { 200: settingsSchema, 403: errorResponse, 404: errorResponse } } },
    async (request) => present(await getPrivacySettings(ctx, operatorOf(request), request.params.app_id)),
  );

  app.put(
    '/api/console/apps/:app_id/privacy-settings',
    {
      preHandler,
      schema: { tags, security, summary: 'Change the purposes, sources or controller (the fields sent); audited privacy_settings.changed', params: appParams, body: settingsBody, response: { 200: settingsSchema, 403: errorResponse, 404: errorResponse } },
    },
    async (request) => present(await changePrivacySettings(ctx, operatorOf(request), request.params.app_id, request.body, clientIp(request))),
  );

  app.get(
    '/api/console/apps/:app_id/processing-record',
    {
      preHandler,
      schema: {
        tags,
        security,
        summary: 'The record of processing (GDPR Art. 30): JSON, or a printable page with `?format=html` (or Accept: text/html)',
        params: appParams,
        querystring: z.object({ format: z.enum(['json', 'html']).optional() }),
      },
    },
    async (request, reply) => {
      const record = await getProcessingRecord(ctx, operatorOf(request), request.params.app_id);
      const html = request.query.format === 'html' || (request.query.format === undefined && (request.headers.accept ?? '').startsWith('text/html'));
      if (!html) return reply.send(record);
      return reply.header('content-security-policy', printablePagePolicy).type('text/html; charset=utf-8').send(processingRecordHtml(record));
    },
  );
}
