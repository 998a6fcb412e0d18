import { sameJson } from './user-diff.ts';

/**
 * How a write applies to the tags and metadata a user already has (docs/imports.md, "Merge or
 * replace"; docs/api.md for PATCH). The import's preview, the users API's PATCH and the merge SQL
 * (user-merge.sql.ts) agree on these rules:
 * - tags `replace`: the given list is the whole list · `merge`: given tags not yet held are added at
 *   the end · `remove`: given tags are taken away; the others keep their order.
 * - metadata `replace`: the given object is the whole object · `merge`: the given keys overwrite
 *   those keys only (shallow, as jsonb `||` does); other keys stay.
 */
export type TagsMode = 'replace' | 'merge' | 'remove';
export type MetadataMode = 'replace' | 'merge';
export const tagsModes = ['replace', 'merge', 'remove'] as const satisfies readonly TagsMode[];
export const metadataModes = ['replace', 'merge'] as const satisfies readonly MetadataMode[];

export interface WriteModes {
  tags: TagsMode;
  metadata: MetadataMode;
}

export function applyTags(stored: readonly string[] | null | undefined, given: readonly string[], mode: TagsMode): string[] {
  const held = stored ?? [];
  if (mode === 'replace') return [...given];
  if (mode === 'remove') return held.filter((tag) => !given.includes(tag));
  return [...held, ...given.filter((tag, index) => !held.includes(tag) && given.indexOf(tag) === index)];
}

export function applyMetadata(stored: Record<string, unknown> | null | undefined, given: Record<string, unknown>, mode: MetadataMode): Record<string, unknown> {
  return mode === 'replace' ? given : { ...(stored ?? {}), ...given };
}

/** `incoming` with its tags and metadata resolved against the stored user's: the whole values to write. */
export function resolveWrite<T extends { tags?: unknown; metadata?: unknown }>(stored: Record<string, unknown> | undefined, incoming: T, modes: WriteModes): T {
  const out = { ...incoming };
  if (Array.isArray(incoming.tags)) out.tags = applyTags(stored?.tags as string[] | undefined, incoming.tags as string[], modes.tags);
  if (incoming.metadata !== null && typeof incoming.metadata === 'object') {
    out.metadata = applyMetadata(stored?.metadata as Record<string, unknown> | undefined, incoming.metadata as Record<string, unknown>, modes.metadata);
  }
  return out;
}

/** One metadata key's change: `removed` when the key goes away. */
export interface KeyChange {
  from: unknown;
  to: unknown;
  removed?: true;
}

/** Per metadata key, what changes from `from` to `to` (both whole objects). */
export function metadataKeyChanges(from: Record<string, unknown> | null | undefined, to: Record<string, unknown> | null | undefined): Record<string, KeyChange> {
  const before = from ?? {};
  const after = to ?? {};
  const changes: Record<string, KeyChange> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    if (had && !has) changes[key] = { from: before[key], to: null, removed: true };
    else if (!had || !sameJson(before[key], after[key])) changes[key] = { from: had ? before[key] : null, to: after[key] };
  }
  return changes;
}

/** Tags added and removed going from `from` to `to`. */
export function tagChanges(from: readonly string[] | null | undefined, to: readonly string[] | null | undefined): { added: string[]; removed: string[] } {
  const before = from ?? [];
  const after = to ?? [];
  return { added: after.filter((tag) => !before.includes(tag)), removed: before.filter((tag) => !after.includes(tag)) };
}
