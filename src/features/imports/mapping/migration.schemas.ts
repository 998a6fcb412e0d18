import { z } from 'zod';
import { safeString } from '../../../platform/validation/safe-text.ts';
import type { ColumnMapping } from './column-mapping.ts';
import type { ImportRecord } from '../imports.repository.ts';
import { presetNames } from './presets.ts';
import { fixCodes } from './row-fixes.ts';
import { transformFields } from './column-transforms.ts';

/** API shapes of mapping, fixes, edits, formats and presets (docs/vendor-migration.md#mapping-api). */

export const columnMappingSchema = z.object({
  source: z.string(),
  field: z.string().nullable().describe('An import column, "metadata.KEY", or null when the column is left out'),
  how: z.enum(['exact', 'synonym', 'saved', 'manual', 'none']),
  samples: z.array(z.string()).optional().describe('The first few values of the column'),
  values: z.record(z.string(), z.string()).optional().describe('Its value mapping as it applies (given, or remembered by the application)'),
  combine: z.object({ sources: z.array(z.string()), separator: z.string() }).optional().describe("The columns joined into this column's field (docs/vendor-migration.md#value-mapping-and-combines)"),
});

export const fixSchema = z.object({ column: z.string(), from: z.string(), to: z.string(), code: z.enum(fixCodes) });

const region = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}$/, 'must be a country code such as FR or FRA')
  .transform((value) => value.toUpperCase());

export const uploadMigrationQuery = {
  default_region: region.optional().describe('Country for national phone numbers on rows without a country (FR, FRA)'),
  preset: z.enum(presetNames).optional().describe("A vendor's export: its mapping, fixes and format"),
};

export const migrationViewFields = {
  format: z.enum(['csv', 'xlsx', 'json', 'ndjson']).nullable().describe('Found from the content'),
  default_region: z.string().nullable(),
  preset: z.string().nullable(),
  fix_counts: z.record(z.string(), z.number()).describe('Rows carrying a pending fix, per fix code'),
};

export const mappingBody = z
  .object({
    // A source header may hold any character a file can (but NUL or a lone surrogate); a field name is plain text.
    mapping: z.record(safeString({ max: 1000, controls: 'any' }), safeString({ max: 200 }).nullable()).default({}).describe('{"Source header": "email" | "metadata.KEY" | null}'),
    ...transformFields,
  })
  .strict();

export const fixesBody = z.object({ accept: z.array(z.enum(fixCodes)).min(1, 'name at least one kind of fix') });

export const rowParams = z.object({ app_id: z.string(), id: z.string(), row: z.coerce.number().int().min(1) });

export const rowEditBody = z.object({
  values: z.record(safeString({ max: 1000, controls: 'any' }), safeString({ max: 1_000_000, controls: 'any' })).refine((values) => Object.keys(values).length > 0, 'give at least one cell'),
});

/** The view's mapping fields; an import whose header was never read shows its columns unmapped. */
export function migrationView(record: ImportRecord) {
  const columns: ColumnMapping[] = record.column_map ?? record.columns.map((source) => ({ source, field: null, how: 'none' }));
  return {
    columns,
    format: (record.format as 'csv' | 'xlsx' | 'json' | 'ndjson' | null) ?? null,
    default_region: record.default_region,
    preset: record.preset,
    fix_counts: record.fix_counts ?? {},
  };
}
