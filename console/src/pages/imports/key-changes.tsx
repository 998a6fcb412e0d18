import type { FieldChanges } from '../../api/types.ts';
import { formatValue } from '../../shared/changes.ts';

/**
 * A row's changes to metadata per key and to tags per tag (docs/imports.md#merge-or-replace): what a
 * backfill adds, changes and takes away, whichever columns carry it. A removed key reads "removed".
 */
export interface KeyChange {
  label: string;
  from?: unknown;
  to?: unknown;
  kind: 'added' | 'changed' | 'removed';
}

const METADATA = 'metadata.';

export function keyChangesOf(changes: FieldChanges | undefined): KeyChange[] {
  if (!changes) return [];
  const out: KeyChange[] = [];
  for (const [field, change] of Object.entries(changes)) {
    if (!field.startsWith(METADATA)) continue;
    const label = `metadata.${field.slice(METADATA.length)}`;
    if (change.removed === true) out.push({ label, from: change.from, kind: 'removed' });
    else if (change.from === null || change.from === undefined) out.push({ label, to: change.to, kind: 'added' });
    else out.push({ label, from: change.from, to: change.to, kind: 'changed' });
  }
  const tags = changes.tags;
  for (const tag of tags?.added ?? []) out.push({ label: `tag ${tag}`, kind: 'added' });
  if (Array.isArray(tags?.removed)) for (const tag of tags.removed) out.push({ label: `tag ${tag}`, kind: 'removed' });
  return out;
}

export function KeyChanges({ changes }: { changes: KeyChange[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="key-changes" aria-label="Metadata and tag changes">
      {changes.map((change) => (
        <li key={change.label} className={`key-change key-change-${change.kind}`}>
          <code>{change.label}</code>{' '}
          {change.kind === 'removed' ? (
            <>
              {change.from !== undefined && <del className="cell-old">{formatValue(change.from)}</del>} <strong>removed</strong>
            </>
          ) : change.kind === 'added' ? (
            <>
              <strong>added</strong>
              {change.to !== undefined && (
                <>
                  {' '}
                  <ins className="cell-new">{formatValue(change.to)}</ins>
                </>
              )}
            </>
          ) : (
            <>
              <del className="cell-old">{formatValue(change.from)}</del> → <ins className="cell-new">{formatValue(change.to)}</ins>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
