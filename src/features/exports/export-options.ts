import { type ErrorDetail, forbidden, invalid } from '../../http/errors.ts';
import { can } from '../../shared/roles.ts';
import type { OperatorPrincipal } from '../auth/index.ts';
import { exportColumns, type ExportColumn, restrictedExportColumns } from '../../shared/user-columns.ts';
import { userFilterBodySchema, type UserFilters } from '../users/index.ts';
import { type ExportCompression, exportCompressions, type ExportFormat, exportFormats } from './export-formats.ts';

/** What an export request may ask for: filters exactly as the users list reads them, and allowed columns. */

export interface ExportRequest {
  filters?: Record<string, unknown>;
  columns?: string[];
  format?: string;
  compression?: string;
  since_seq?: number | null;
}

/** Format and compression as asked (docs/warehouse.md); Parquet compresses inside, so it takes no gzip. */
export function parseExportFormat(input: Pick<ExportRequest, 'format' | 'compression'>): { format: ExportFormat; compression: ExportCompression } {
  const format = (input.format ?? 'csv') as ExportFormat;
  const compression = (input.compression ?? 'none') as ExportCompression;
  if (!exportFormats.includes(format)) throw invalid('invalid_format', `format must be one of ${exportFormats.join(', ')}`);
  if (!exportCompressions.includes(compression)) throw invalid('invalid_compression', `compression must be one of ${exportCompressions.join(', ')}`);
  if (format === 'parquet' && compression !== 'none') throw invalid('compression_not_supported', 'Parquet is compressed inside (zstd); ask for compression "none"');
  return { format, compression };
}

const knownFilters = Object.keys(userFilterBodySchema.shape);

/** The filters exactly as a list would apply them; unknown names are refused rather than ignored. */
export function parseExportFilters(raw: Record<string, unknown> | undefined): UserFilters {
  const unknown = Object.keys(raw ?? {}).filter((name) => !knownFilters.includes(name));
  if (unknown.length > 0) {
    throw invalid(
      'unknown_filter',
      `Unknown filter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${knownFilters.join(', ')})`,
      unknown.map((name): ErrorDetail => ({ field: `filters.${name}`, code: 'unknown_filter', message: `"${name}" is not a filter` })),
    );
  }
  const parsed = userFilterBodySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue): ErrorDetail => ({ field: ['filters', ...issue.path.map(String)].join('.'), code: 'invalid_filter', message: issue.message }));
    throw invalid('invalid_filter', details.map((detail) => `${detail.field}: ${detail.message}`).join('; '), details);
  }
  // Texts and dates are checked by the shared rules in users.filters (no NUL, real dates in years 0001–9999).
  const filters = parsed.data;
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0))) as UserFilters;
}

/** The columns an operator may export: all of them, or all but personal data for restricted roles. */
export function allowedColumns(operator: Pick<OperatorPrincipal, 'role'>): readonly ExportColumn[] {
  return can(operator.role, 'exports.personal_data') ? exportColumns : restrictedExportColumns;
}

export function resolveExportColumns(operator: Pick<OperatorPrincipal, 'role'>, requested: readonly string[] | undefined): ExportColumn[] {
  if (requested === undefined) return [...allowedColumns(operator)];
  if (requested.length === 0) throw invalid('no_columns', 'Ask for at least one column, or leave `columns` out for every column you may export');
  const unknown = requested.filter((column) => !(exportColumns as readonly string[]).includes(column));
  if (unknown.length > 0) {
    throw invalid(
      'unknown_column',
      `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      unknown.map((column): ErrorDetail => ({ column, code: 'unknown_column', message: `"${column}" is not an export column` })),
    );
  }
  const duplicates = requested.filter((column, index) => requested.indexOf(column) !== index);
  if (duplicates.length > 0) throw invalid('duplicate_column', `Each column may appear once; repeated: ${[...new Set(duplicates)].join(', ')}`);
  const restricted = requested.filter((column) => !allowedColumns(operator).includes(column as ExportColumn));
  if (restricted.length > 0) {
    throw forbidden(
      'restricted_columns',
      `Your role (${operator.role}) may not export personal data columns: ${restricted.join(', ')}`,
      restricted.map((column): ErrorDetail => ({ column, code: 'restricted_column', message: `"${column}" holds personal data` })),
    );
  }
  return requested as ExportColumn[];
}

