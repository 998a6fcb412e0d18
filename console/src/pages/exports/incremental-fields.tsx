import type { ExportJob } from '../../api/types.ts';
import { formatNumber, formatShortDateTime } from '../../shared/format.ts';

/**
 * Full or incremental (docs/warehouse.md): an incremental export holds only the users changed after a
 * seq, the deleted ones as `_deleted` rows; "since the last export" continues from its `as_of_seq`.
 */

export interface IncrementalChoice {
  scope: 'full' | 'last' | 'seq';
  /** The seq typed for scope "seq". */
  seq: string;
}

/** The since_seq to ask for: null for a full export, undefined while the choice is incomplete. */
export function sinceSeqOf(choice: IncrementalChoice, lastExport: ExportJob | undefined): number | null | undefined {
  if (choice.scope === 'full') return null;
  if (choice.scope === 'last') return lastExport?.as_of_seq ?? undefined;
  return /^\d{1,15}$/.test(choice.seq.trim()) ? Number(choice.seq.trim()) : undefined;
}

export function IncrementalFields({ value, onChange, lastExport }: { value: IncrementalChoice; onChange(choice: IncrementalChoice): void; lastExport: ExportJob | undefined }) {
  const radio = (scope: IncrementalChoice['scope']) => ({
    type: 'radio' as const,
    name: 'export-scope',
    checked: value.scope === scope,
    onChange: () => onChange({ ...value, scope }),
  });
  return (
    <fieldset className="export-scope">
      <legend>Which changes</legend>
      <label className="check">
        <input {...radio('full')} /> Everything (a full snapshot)
      </label>
      <label className="check">
        <input {...radio('last')} disabled={!lastExport} /> Only what changed since the last export
        {lastExport ? (
          <span className="muted">
            {' '}
            (as of seq {formatNumber(lastExport.as_of_seq)}, {formatShortDateTime(lastExport.created_at)})
          </span>
        ) : (
          <span className="muted"> (no completed export yet)</span>
        )}
      </label>
      <label className="check">
        <input {...radio('seq')} /> Only what changed since seq
      </label>
      <input
        aria-label="Since seq"
        inputMode="numeric"
        pattern="[0-9]*"
        className="seq-input"
        disabled={value.scope !== 'seq'}
        required={value.scope === 'seq'}
        value={value.seq}
        placeholder="an export's as_of_seq"
        onChange={(event) => onChange({ ...value, seq: event.target.value })}
      />
      <p className="hint">Deleted users come as rows with <code>_deleted</code> set; your warehouse deletes them (docs/warehouse.md shows how).</p>
    </fieldset>
  );
}
