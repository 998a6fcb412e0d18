import { type FieldChanges, diffUser } from '../users/user-diff.ts';
import { fieldByName } from '../users/user-catalogue.ts';
import type { ImportWarning, RowAction } from './imports.tables.ts';
import type { ImportValues } from './row-validation.ts';

/** What the preview needs to know of a user the file names: the fields an import writes, and whether it is verified. */
export type ExistingUser = Record<string, unknown> & { status: string; verified: boolean };

export interface ClassifiedRow {
  action: Exclude<RowAction, 'skip'>;
  /** For an existing user: the fields the row changes, from → to (null for a new user). */
  changes: FieldChanges | null;
  warnings: ImportWarning[];
}

/**
 * The preview's forecast for a valid row, from the users module's one diff (diffUser), which agrees
 * with the run's merge SQL. A cell the user's verification freezes is left alone with a
 * `verified_field_ignored` warning rather than dropped silently.
 */
export function classifyRow(existing: ExistingUser | undefined, values: ImportValues): ClassifiedRow {
  if (!existing) return { action: 'create', changes: null, warnings: [] };
  const { changes, frozen } = diffUser(existing, values as unknown as Record<string, unknown>, existing.verified);
  const warnings = frozen.map((name) => {
    const column = fieldByName(name)?.csv ?? name;
    return { column, code: 'verified_field_ignored', message: `${column} was verified by an approved session; an import never changes it, so this cell is ignored.` };
  });
  const changed = Object.keys(changes).length > 0;
  return { action: changed ? 'update' : 'unchanged', changes: changed ? changes : null, warnings };
}
