import { useState } from 'react';
import { useSetWriteOptions } from '../../api/migration.ts';
import type { ImportJob, InvalidCells, MetadataMode, Removals, TagsMode } from '../../api/types.ts';
import { ErrorMessage } from '../../components/feedback.tsx';
import { formatNumber } from '../../shared/format.ts';

/**
 * How the file applies to what users already have (docs/imports.md#merge-or-replace): tags and
 * metadata merged or replaced, and whether a bad optional cell skips its row. Saving checks the file
 * again, so the preview, its per-key diff and the removal warning always match the choice.
 */

const tagsWords: Record<TagsMode, string> = {
  merge: "Add the file's tags to those the user has",
  remove: "Take the file's tags away from the user",
  replace: "Replace the user's tags with the file's (tags not in the file are removed)",
};

const metadataWords: Record<MetadataMode, string> = {
  merge: "Write only the file's metadata keys; keep every other key",
  replace: "Replace the user's whole metadata with the file's (keys not in the file are removed)",
};

const invalidCellsWords: Record<InvalidCells, string> = {
  skip_row: 'Skip the whole row',
  clear_cell: 'Import the row without its invalid optional cells (each one is listed)',
};

const plural = (count: number, one: string, many: string) => `${formatNumber(count)} ${count === 1 ? one : many}`;

function Choice<T extends string>({ legend, name, words, value, onChange }: { legend: string; name: string; words: Record<T, string>; value: T; onChange: (value: T) => void }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {(Object.keys(words) as T[]).map((option) => (
        <label key={option} className="radio">
          <input type="radio" name={name} value={option} checked={value === option} onChange={() => onChange(option)} /> {words[option]}
        </label>
      ))}
    </fieldset>
  );
}

export function WriteOptionsPanel({ job, appId }: { job: ImportJob; appId: string }) {
  const save = useSetWriteOptions(appId, job.id);
  const fields = new Set((job.columns ?? []).map((column) => column.field ?? ''));
  const writesTags = fields.has('tags');
  const writesMetadata = fields.has('metadata_json') || [...fields].some((field) => field.startsWith('metadata.'));
  const [tags, setTags] = useState<TagsMode>(job.tags_mode ?? 'replace');
  const [metadata, setMetadata] = useState<MetadataMode>(job.metadata_mode ?? 'merge');
  const [cells, setCells] = useState<InvalidCells>(job.invalid_cells ?? 'skip_row');
  const changed = (writesTags && tags !== job.tags_mode) || (writesMetadata && metadata !== job.metadata_mode) || cells !== job.invalid_cells;
  return (
    <section className="write-options" aria-labelledby="write-options-title">
      <h3 id="write-options-title">How the file applies</h3>
      <form
        className="start-form"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate({ ...(writesTags ? { tags_mode: tags } : {}), ...(writesMetadata ? { metadata_mode: metadata } : {}), invalid_cells: cells });
        }}
      >
        {writesTags && <Choice legend="Tags of existing users" name="tags_mode" words={tagsWords} value={tags} onChange={setTags} />}
        {writesMetadata && <Choice legend="Metadata of existing users" name="metadata_mode" words={metadataWords} value={metadata} onChange={setMetadata} />}
        <Choice legend="A row with an invalid optional cell (phone, email, country…)" name="invalid_cells" words={invalidCellsWords} value={cells} onChange={setCells} />
        <ErrorMessage error={save.error} title="The options were not saved." />
        <div className="actions">
          <button type="submit" className="button-secondary" disabled={!changed || save.isPending}>
            {save.isPending ? 'Saving…' : 'Check the file again with these options'}
          </button>
        </div>
        {changed && <p className="hint">The preview below was made with the options saved before; checking again updates it.</p>}
      </form>
    </section>
  );
}

function namesWithCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a, rowsA], [b, rowsB]) => rowsB - rowsA || a.localeCompare(b));
  const shown = entries.slice(0, 8).map(([name, rows]) => `${name} (${plural(rows, 'user', 'users')})`);
  return entries.length > 8 ? `${shown.join(', ')} and ${formatNumber(entries.length - 8)} more` : shown.join(', ');
}

/** Above Start: what a replace takes away from existing users, in numbers, before anything runs. */
export function RemovalWarning({ removals }: { removals: Removals | undefined }) {
  const metadata = removals?.metadata && removals.metadata.users > 0 ? removals.metadata : undefined;
  const tags = removals?.tags && removals.tags.users > 0 ? removals.tags : undefined;
  if (!metadata && !tags) return null;
  return (
    <div className="notice notice-error" role="alert" aria-label="What this import removes">
      <strong>This import removes data from existing users.</strong>
      <ul>
        {metadata && (
          <li>
            It removes {plural(Object.keys(metadata.keys).length, 'metadata key', 'metadata keys')} from {plural(metadata.users, 'user', 'users')}: {namesWithCounts(metadata.keys)}. Choose
            “Write only the file's metadata keys” above to keep them.
          </li>
        )}
        {tags && (
          <li>
            It removes {plural(Object.keys(tags.tags).length, 'tag', 'tags')} from {plural(tags.users, 'user', 'users')}: {namesWithCounts(tags.tags)}. Choose “Add the file's tags” above to keep
            them.
          </li>
        )}
      </ul>
    </div>
  );
}
