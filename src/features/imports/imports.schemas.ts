import { z } from 'zod';
import { importModes } from '../users/index.ts';
import type { ImportRecord } from './imports.repository.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { columnMappingSchema, fixSchema, migrationView, migrationViewFields, uploadMigrationQuery } from './mapping/migration.schemas.ts';
import { writeOptionFields, writeOptionsView, writeOptionsViewFields } from './write-options.ts';

export const appParams = z.object({ app_id: z.string() });
export const importParams = z.object({ app_id: z.string(), id: z.string() });

export const listImportsQuery = z.object({
  cursor: safeString({ max: 200 }).optional(),
  page_size: z.coerce.number().int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').default(20),
});

export const rowFilters = ['invalid', 'valid', 'create', 'update', 'unchanged', 'skip', 'warnings'] as const;

export const listRowsQuery = z.object({
  only: z.enum(rowFilters).optional().describe('invalid (= skip), valid, warnings (rows with any warning, e.g. cell_cleared), or one action'),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more').default(0),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 to 1000').max(1000, 'must be 1 to 1000').default(100),
});

const modeSchema = z.enum(importModes).describe('upsert (default): create and update; create_only: rows naming an existing user are skipped (exists); update_only: unknown vendor_data skipped (not_found)');

export const uploadQuery = z.object({
  file_name: safeString({ trim: true, max: 255 }).optional().describe('Name to show for a raw text/csv upload (multipart uploads carry their own)'),
  ...uploadMigrationQuery,
  ...writeOptionFields,
  mode: modeSchema.optional(),
});

export const startBody = z
  .object({
    mode: modeSchema.optional().describe("Overrides the upload's mode"),
    reason: safeString({ max: 500, controls: 'whitespace' }).optional().describe('Why: recorded on every status change that has no status_reason of its own'),
    allow_unblock: z.boolean().optional().describe('Consent to move users away from BLOCKED'),
    ...writeOptionFields,
  })
  .strict()
  .nullish();

const isoTime = z.string().describe('ISO 8601 time');

export const importSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  file_name: z.string(),
  file_bytes: z.number(),
  status: z.enum(['validating', 'needs_mapping', 'ready', 'queued', 'running', 'completed', 'failed', 'cancelled']),
  encoding: z.string().nullable().describe('utf-8, utf-8-bom, utf-16le, utf-16be or windows-1252, once read'),
  delimiter: z.string().nullable(),
  columns: z.array(columnMappingSchema).describe("The file's headers as written, each with the field it fills (docs/vendor-migration.md)"),
  ...migrationViewFields,
  ...writeOptionsViewFields,
  warnings: z.array(z.object({ code: z.string(), column: z.string().optional(), message: z.string(), count: z.number().optional().describe('How many warnings of this code there were, when collapsed into one') })),
  total_rows: z.number(),
  valid_rows: z.number(),
  invalid_rows: z.number(),
  to_create: z.number(),
  to_update: z.number(),
  unchanged: z.number().describe("The preview's forecast until the run starts, then the run's own count"),
  processed_rows: z.number(),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  failed: z.number().describe('Rows a failed run did not get to'),
  created_by: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  created_at: isoTime,
  validated_at: isoTime.nullable(),
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  error: z.object({ code: z.string(), message: z.string(), line: z.number().optional(), columns: z.array(z.string()).optional() }).nullable(),
  mode: z.enum(importModes),
  to_skip: z.number().describe('Valid rows the mode will skip (forecast)'),
  field_changes: z.record(z.string(), z.number()).describe('Existing users: how many rows change each field (forecast)'),
  status_changes: z.array(z.object({ from: z.string(), to: z.string(), count: z.number() })).describe('Existing users whose status changes (forecast)'),
  reason: z.string().nullable().describe('The reason given at start for status changes'),
  allow_unblock: z.boolean(),
  revert_status: z.enum(['queued', 'running', 'completed', 'failed']).nullable(),
  reverted: z.number().describe('Users a revert restored (at least one field)'),
  deleted: z.number().describe('Users a revert deleted (created by this import, untouched since)'),
  conflicts: z.number().describe('What a revert left as it was (see revert-conflicts.csv)'),
  revert_error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export type ImportView = z.infer<typeof importSchema>;

export const importListResponse = z.object({ results: z.array(importSchema), next: z.string().nullable() });

export const rowsResponse = z.object({
  rows: z.array(
    z.object({
      row: z.number(),
      line: z.number(),
      values: z.record(z.string(), z.string()),
      action: z.enum(['create', 'update', 'unchanged', 'skip']),
      truncated: z.boolean().optional().describe('Some cell was longer than 1,000 characters and is cut here (the stored row is whole)'),
      errors: z.array(z.object({ column: z.string().nullable(), code: z.string(), message: z.string() })),
      fixes: z.array(fixSchema).optional().describe('Suggested fixes, not applied until their kind is accepted'),
      changes: z
        .record(z.string(), z.object({ from: z.unknown(), to: z.unknown(), removed: z.union([z.literal(true), z.array(z.string())]).optional(), added: z.array(z.string()).optional() }))
        .optional()
        .describe('For an existing user: each field the row changes, from → to; metadata also per key ("metadata.notes", removed: true when the key goes), tags with the tags added and removed'),
      warnings: z.array(z.object({ column: z.string().optional(), code: z.string(), message: z.string() })),
    }),
  ),
  total: z.number(),
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toImportView(record: ImportRecord): ImportView {
  return {
    id: record.id,
    app_id: record.app_id,
    file_name: record.file_name,
    file_bytes: record.file_bytes,
    status: record.status,
    encoding: record.encoding,
    delimiter: record.delimiter,
    ...migrationView(record),
    ...writeOptionsView(record),
    warnings: record.warnings,
    total_rows: record.total_rows,
    valid_rows: record.valid_rows,
    invalid_rows: record.invalid_rows,
    to_create: record.to_create,
    to_update: record.to_update,
    unchanged: record.started_at ? record.run_unchanged : record.preview_unchanged,
    processed_rows: record.processed_rows,
    created: record.created,
    updated: record.updated,
    skipped: record.skipped,
    failed: record.failed,
    created_by: { id: record.created_by, email: record.creator_email, name: record.creator_name },
    created_at: record.created_at.toISOString(),
    validated_at: iso(record.validated_at),
    started_at: iso(record.started_at),
    finished_at: iso(record.finished_at),
    error: record.error,
    mode: record.mode,
    to_skip: record.to_skip,
    field_changes: record.field_changes,
    status_changes: record.status_changes,
    reason: record.status_reason,
    allow_unblock: record.allow_unblock,
    revert_status: record.revert_status,
    reverted: record.reverted,
    deleted: record.deleted,
    conflicts: record.conflicts,
    revert_error: record.revert_error,
  };
}

export const revertPreviewSchema = z.object({
  restore: z.number().describe('Users at least one field of which goes back to its value before the import'),
  delete: z.number().describe('Users the import created that nothing touched since: deleted'),
  conflicts: z.number().describe('Fields (or created users) left as they are: changed, deleted, given a session or a face since'),
});
