import { type FieldKind, importChangeFields, type UserFieldSpec, userCatalogue } from '../../shared/user-catalogue.ts';

/**
 * The one diff of a user record, driven by the field catalogue: the import's preview (classifyRow),
 * the users API's PATCH and the audit entries' `changes` all use it. It agrees with the merge SQL
 * (user-merge.sql.ts): a field changes when a value is given (null/undefined leaves it as it is) and
 * differs from the stored one; tags compare in order, metadata the way jsonb does (key order ignored,
 * numbers by value); a field frozen once verified is never changed on a verified user.
 */

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface UserDiff {
  changes: FieldChanges;
  /** Fields given a different value that the user's verification freezes: left alone, with a warning. */
  frozen: string[];
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

export function sameValue(kind: FieldKind, a: unknown, b: unknown): boolean {
  if (kind === 'tags' || kind === 'metadata') return sameJson(a ?? null, b ?? null);
  return (a ?? null) === (b ?? null);
}

/**
 * What writing `incoming` (field name → value; null or absent = leave as is) over `stored` changes,
 * over the given catalogue fields. `verified` is whether the stored user is verified.
 */
export function diffUser(stored: Record<string, unknown>, incoming: Record<string, unknown>, verified: boolean, fields: readonly UserFieldSpec[] = importChangeFields): UserDiff {
  const changes: FieldChanges = {};
  const frozen: string[] = [];
  for (const spec of fields) {
    const to = incoming[spec.name];
    if (to === undefined || to === null) continue;
    const from = stored[spec.name] ?? null;
    if (sameValue(spec.kind, from, to)) continue;
    if (verified && spec.frozenOnceVerified) frozen.push(spec.name);
    else changes[spec.name] = { from, to };
  }
  return { changes, frozen };
}

/** The fields the users API writes, minus vendor_data (it names the user and never changes). */
export const apiChangeFields: readonly UserFieldSpec[] = userCatalogue.filter((spec) => spec.apiWritable && spec.name !== 'vendor_data');

/** A diff of an API write, where null is a value (it clears the field) and only undefined leaves it as is. */
export function diffApiWrite(stored: Record<string, unknown>, incoming: Record<string, unknown>): FieldChanges {
  const changes: FieldChanges = {};
  for (const spec of apiChangeFields) {
    if (incoming[spec.name] === undefined) continue;
    const to = incoming[spec.name];
    const from = stored[spec.name] ?? null;
    if (!sameValue(spec.kind, from, to)) changes[spec.name] = { from, to };
  }
  return changes;
}

/** The fields of a user object that differ between two states (updated_at left out: every write moves it). */
export function diffUserObjects(before: Record<string, unknown>, after: Record<string, unknown>): FieldChanges {
  const changes: FieldChanges = {};
  for (const [field, to] of Object.entries(after)) {
    if (field !== 'updated_at' && !sameJson(before[field] ?? null, to ?? null)) changes[field] = { from: before[field] ?? null, to: to ?? null };
  }
  return changes;
}
