import type { RowAction } from './imports.tables.ts';
import type { ImportValues } from './row-validation.ts';

/** What the preview needs to know of a user the file names. */
export interface ExistingUser {
  display_name: string | null;
  full_name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  status: string;
  tags: string[];
  metadata: unknown;
  /** full_name is verified once set by an approved session: an import then leaves it alone, silently. */
  verified: boolean;
}

/**
 * The preview's forecast for a valid row. It must agree with the run's SQL (mergeChunk in
 * import-rows.repository.ts): a field counts as changed only when the row gives it a value
 * (null leaves it as it is) and that value differs from the stored one; metadata compares
 * the way jsonb does (key order ignored, numbers by value).
 */
export function classifyRow(existing: ExistingUser | undefined, values: ImportValues): Exclude<RowAction, 'skip'> {
  if (!existing) return 'create';
  const differs =
    differsText(values.display_name, existing.display_name) ||
    (!existing.verified && differsText(values.full_name, existing.full_name)) ||
    differsText(values.email, existing.email) ||
    differsText(values.phone, existing.phone) ||
    differsText(values.country, existing.country) ||
    differsText(values.status, existing.status) ||
    (values.tags !== null && !sameTags(values.tags, existing.tags)) ||
    (values.metadata !== null && !sameJson(values.metadata, existing.metadata));
  return differs ? 'update' : 'unchanged';
}

function differsText(incoming: string | null, stored: string | null): boolean {
  return incoming !== null && incoming !== stored;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}

/** jsonb equality: objects by key set, arrays in order, scalars by value. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => sameJson(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
}
