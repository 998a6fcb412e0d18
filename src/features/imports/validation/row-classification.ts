import { diffUser, type FieldChanges, metadataKeyChanges, resolveWrite, tagChanges, type WriteModes } from '../../users/user-rules.public.ts';
import { fieldByName } from '../../../shared/user-catalogue.ts';
import type { ImportWarning, RowAction } from '../imports.tables.ts';
import type { ImportValues } from '../imports.tables.ts';

/** What the preview needs to know of a user the file names: the fields an import writes, and whether it is verified. */
export type ExistingUser = Record<string, unknown> & { status: string; verified: boolean };

export interface ClassifiedRow {
  action: Exclude<RowAction, 'skip'>;
  /** For an existing user: the fields the row changes, from → to (null for a new user). */
  changes: FieldChanges | null;
  warnings: ImportWarning[];
  /** What a replace takes away from the user: metadata keys and tags. */
  removed: { metadata: string[]; tags: string[] } | null;
}

const replaceBoth: WriteModes = { tags: 'replace', metadata: 'replace' };

/**
 * The preview's forecast for a valid row, from the users module's one diff (diffUser) over the
 * values the write modes make of the row (resolveWrite), which agrees with the run's merge SQL. A
 * cell the user's verification freezes is left alone with a `verified_field_ignored` warning rather
 * than dropped silently. Beside each changed field, metadata changes per key (`metadata.notes`,
 * `removed: true` when the key goes) and tags per tag (`added`, `removed`), so a backfill shows
 * exactly what it takes away (docs/imports.md, "Merge or replace").
 */
export function classifyRow(existing: ExistingUser | undefined, values: ImportValues, modes: WriteModes = replaceBoth): ClassifiedRow {
  if (!existing) return { action: 'create', changes: null, warnings: [], removed: null };
  const resolved = resolveWrite(existing, values, modes);
  const { changes, frozen } = diffUser(existing, resolved as unknown as Record<string, unknown>, existing.verified);
  const warnings = frozen.map((name) => {
    const column = fieldByName(name)?.csv ?? name;
    return { column, code: 'verified_field_ignored', message: `${column} was verified by an approved session; an import never changes it, so this cell is ignored.` };
  });
  const changed = Object.keys(changes).length > 0;
  if (!changed) return { action: 'unchanged', changes: null, warnings, removed: null };
  const removed = { metadata: [] as string[], tags: [] as string[] };
  if (changes.metadata) {
    for (const [key, change] of Object.entries(metadataKeyChanges(changes.metadata.from as Record<string, unknown>, changes.metadata.to as Record<string, unknown>))) {
      changes[`metadata.${key}`] = change;
      if (change.removed) removed.metadata.push(key);
    }
  }
  if (changes.tags) {
    const tags = tagChanges(changes.tags.from as string[], changes.tags.to as string[]);
    changes.tags = { ...changes.tags, ...tags };
    removed.tags = tags.removed;
  }
  return { action: 'update', changes, warnings, removed: removed.metadata.length + removed.tags.length > 0 ? removed : null };
}
