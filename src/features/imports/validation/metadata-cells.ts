import { validateMetadata } from '../../users/user-fields.ts';
import { stripFormulaGuard } from '../readers/csv-reader.ts';
import type { RowError } from '../imports.tables.ts';

/**
 * Cells of columns mapped to `metadata.KEY` (CONTRACT §9) become keys of the row's metadata,
 * over any metadata_json object. A cell holding a JSON object or array (a nested value of a JSON
 * import) is kept as that structure; anything else is kept as text.
 */
export function mergeMetadataCells(
  fields: readonly string[],
  metadataKeys: readonly [string, number][],
  values: { metadata: Record<string, unknown> | null },
  errors: RowError[],
): void {
  let merged: Record<string, unknown> | null = null;
  for (const [key, position] of metadataKeys) {
    const cell = stripFormulaGuard(fields[position] ?? '');
    if (cell.trim() === '') continue;
    merged ??= { ...(values.metadata ?? {}) };
    merged[key] = structured(cell);
  }
  if (merged === null) return;
  const checked = validateMetadata(merged);
  if (checked.ok) values.metadata = checked.value;
  else errors.push({ column: 'metadata', code: checked.error.code, message: checked.error.message });
}

function structured(cell: string): unknown {
  const first = cell.charCodeAt(0);
  if (first !== 0x7b && first !== 0x5b) return cell;
  try {
    return JSON.parse(cell);
  } catch {
    return cell;
  }
}
