import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import type { requireOperator } from '../../auth/index.ts';
import { importParams, importSchema } from '../imports.schemas.ts';
import type { ImportActor } from '../imports.service.ts';
import { fixesBody, fixSchema, mappingBody, rowEditBody, rowParams } from './migration.schemas.ts';
import { acceptImportFixes, setImportMapping, setImportOptions } from './migration.service.ts';
import { writeOptionFields } from '../write-options.ts';
import { presets } from './presets.ts';
import { editImportRow } from './row-edit.service.ts';
import { errorResponse } from '../../../http/error-response.ts';

const security = [{ consoleToken: [] }];
const tags = ['console: imports'];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 410: errorResponse, 422: errorResponse };

const editedRow = z.object({
  row: z.number(),
  line: z.number(),
  values: z.record(z.string(), z.string()),
  action: z.enum(['create', 'update', 'unchanged', 'skip']),
  errors: z.array(z.object({ column: z.string().nullable(), code: z.string(), message: z.string() })),
  fixes: z.array(fixSchema).optional(),
});

const presetList = z.object({
  results: z.array(z.object({ name: z.string(), label: z.string(), format: z.string(), mapping: z.record(z.string(), z.string().nullable()), accept_fixes: z.array(z.string()) })),
});

/** Mapping, fixes, row edits and presets (docs/vendor-migration.md#mapping-api); `importActor` is the import routes' own role and tenancy check. */
export function registerMigrationRoutes(
  scope: FastifyInstance,
  onRequest: ReturnType<typeof requireOperator>,
  importActor: (request: FastifyRequest, appId: string) => Promise<ImportActor>,
  ctx: AppContext,
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/console/apps/:app_id/imports/presets',
    { onRequest, schema: { tags, security, summary: "Presets for other vendors' exports: each a mapping, fixes and a format", params: z.object({ app_id: z.string() }), response: { 200: presetList, ...errors } } },
    async (request) => {
      await importActor(request, request.params.app_id);
      return { results: Object.values(presets).map((preset) => ({ name: preset.name, label: preset.label, format: preset.format, mapping: preset.mapping, accept_fixes: [...preset.acceptFixes] })) };
    },
  );

  app.put(
    '/api/console/apps/:app_id/imports/:id/mapping',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'Map source headers to fields (or metadata.KEY, or null), map values per column, combine columns into one field; validates again',
        params: importParams,
        body: mappingBody,
        response: { 200: importSchema, ...errors },
      },
    },
    async (request) => {
      const { mapping, values, combines } = request.body;
      return setImportMapping(ctx, await importActor(request, request.params.app_id), request.params.id, mapping, { values, combines });
    },
  );

  app.put(
    '/api/console/apps/:app_id/imports/:id/options',
    {
      onRequest,
      schema: {
        tags,
        security,
        summary: 'How the file applies to what users have: tags_mode, metadata_mode, invalid_cells; validates again (the preview follows)',
        params: importParams,
        body: z.object(writeOptionFields).strict(),
        response: { 200: importSchema, ...errors },
      },
    },
    async (request) => setImportOptions(ctx, await importActor(request, request.params.app_id), request.params.id, request.body),
  );

  app.post(
    '/api/console/apps/:app_id/imports/:id/fixes',
    { onRequest, schema: { tags, security, summary: 'Accept kinds of suggested fix for every row; validates again', params: importParams, body: fixesBody, response: { 202: importSchema, ...errors } } },
    async (request, reply) => reply.status(202).send(await acceptImportFixes(ctx, await importActor(request, request.params.app_id), request.params.id, request.body.accept)),
  );

  app.patch(
    '/api/console/apps/:app_id/imports/:id/rows/:row',
    { onRequest, schema: { tags, security, summary: 'Edit cells of a staged row (never the stored file); the row is checked again', params: rowParams, body: rowEditBody, response: { 200: editedRow, ...errors } } },
    async (request) => editImportRow(ctx, await importActor(request, request.params.app_id), request.params.id, request.params.row, request.body.values),
  );
}
