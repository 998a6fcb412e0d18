import { validateMetadata } from '../../users/user-rules.public.ts';
import { stripFormulaGuard } from '../readers/csv-reader.ts';
import { isoDate } from './cell-dates.ts';
import type { RowError } from '../imports.tables.ts';

/**
 * Cells of columns mapped to `metadata.KEY` (docs/vendor-migration.md#mapping-api) become keys of the row's metadata, over
 * any metadata_json object (docs/imports.md, "Types and dates"):
 * - a cell of a CSV or xlsx file is kept as its text, exactly (`102.0` stays "102.0", JSON-looking
 *   text stays text), unless the mapping gives the key a type: `metadata.KEY:number`, `:boolean`,
 *   `:date` (ISO dates and times; epoch seconds or milliseconds; Excel serial days) or `:json`;
 * - a cell that held a JSON value other than a string (JSON and NDJSON files: `typed` positions)
 *   keeps its JSON type: true stays true, 128 stays 128, null stays null.
 * A cell that does not convert to its type is an error of column `metadata.KEY`; the key is left out.
 */
export type MetadataCellType = 'text' | 'number' | 'boolean' | 'date' | 'json';
export const metadataCellTypes: readonly MetadataCellType[] = ['text', 'number', 'boolean', 'date', 'json'];

/** [KEY, position in the row, type given by the mapping]. */
export type MetadataColumn = [string, number, MetadataCellType?];

export function mergeMetadataCells(
  fields: readonly string[],
  metadataKeys: readonly MetadataColumn[],
  values: { metadata: Record<string, unknown> | null },
  errors: RowError[],
  typed?: readonly number[],
): void {
  let merged: Record<string, unknown> | null = null;
  for (const [key, position, type] of metadataKeys) {
    const cell = stripFormulaGuard(fields[position] ?? '');
    const jsonValue = typed?.includes(position) ?? false;
    if (cell.trim() === '' && !jsonValue) continue;
    const converted = jsonValue && (type === undefined || type === 'text' || type === 'json') ? parseJson(cell) : convertCell(cell, type ?? 'text');
    if (!converted.ok) {
      errors.push({ column: `metadata.${key}`, code: 'invalid_metadata_value', message: `metadata.${key}: "${cell.length > 60 ? `${cell.slice(0, 60)}…` : cell}" is not ${converted.expected}` });
      continue;
    }
    merged ??= { ...(values.metadata ?? {}) };
    merged[key] = converted.value;
  }
  if (merged === null) return;
  const checked = validateMetadata(merged);
  if (checked.ok) values.metadata = checked.value;
  else errors.push({ column: 'metadata', code: checked.error.code, message: checked.error.message });
}

type Converted = { ok: true; value: unknown } | { ok: false; expected: string };

function parseJson(cell: string): Converted {
  if (cell === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(cell) };
  } catch {
    return { ok: true, value: cell };
  }
}

export function convertCell(cell: string, type: MetadataCellType): Converted {
  const text = cell.trim();
  switch (type) {
    case 'text':
      return { ok: true, value: cell };
    case 'number': {
      const value = Number(text.replace(/[\s_]/g, ''));
      return text !== '' && Number.isFinite(value) ? { ok: true, value } : { ok: false, expected: 'a number' };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['true', 'yes', 'y', '1'].includes(lower)) return { ok: true, value: true };
      if (['false', 'no', 'n', '0'].includes(lower)) return { ok: true, value: false };
      return { ok: false, expected: 'true or false' };
    }
    case 'date': {
      const value = isoDate(text);
      return value === undefined ? { ok: false, expected: 'a date (ISO 8601, epoch seconds or milliseconds)' } : { ok: true, value };
    }
    case 'json': {
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, expected: 'JSON' };
      }
    }
  }
}
