import { useId, useState } from 'react';
import { revertConflictsUrl, useRevertImport, useRevertPreview, useStartImportWith } from '../../api/import-ledger.ts';
import type { ImportJob, ImportMode } from '../../api/types.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { columnOfField } from '../../shared/changes.ts';
import { formatNumber } from '../../shared/format.ts';

/** The import's diff before it runs, the start options in plain words, and revert after (docs/import-ledger.md#revert). */

const plural = (count: number, one: string, many: string) => `${formatNumber(count)} ${count === 1 ? one : many}`;

/**
 * One count of field_changes in words: a field, a metadata key, or a tag added or removed
 * (docs/imports.md#merge-or-replace). The whole `metadata`/`tags` count is left out when per-key ones say more.
 */
function fieldChangeWords(field: string, rows: number): string {
  const users = plural(rows, 'user', 'users');
  if (field.startsWith('tags.+')) return `tag ${field.slice(6)} added to ${users}`;
  if (field.startsWith('tags.-')) return `tag ${field.slice(6)} removed from ${users}`;
  return `${field.startsWith('metadata.') ? field : columnOfField(field)} on ${users}`;
}

/** Per-field counts and status changes of existing users, above the rows. */
export function DiffSummary({ job }: { job: ImportJob }) {
  const all = Object.entries(job.field_changes ?? {});
  const perKey = (prefix: string) => all.some(([field]) => field.startsWith(prefix));
  const fields = all.filter(([field]) => field !== 'status' && !(field === 'metadata' && perKey('metadata.')) && !(field === 'tags' && perKey('tags.')));
  const statusChanges = job.status_changes ?? [];
  if (fields.length === 0 && statusChanges.length === 0) return null;
  return (
    <div className="diff-summary" aria-label="What the import changes">
      {fields.length > 0 && (
        <p>
          <strong>Changes to existing users:</strong>{' '}
          {fields.map(([field, rows], index) => (
            <span key={field} className="diff-count">
              {index > 0 ? ' · ' : ''}
              {fieldChangeWords(field, rows)}
            </span>
          ))}
        </p>
      )}
      {statusChanges.map((change) => (
        <p key={`${change.from}>${change.to}`} className={change.from === 'BLOCKED' ? 'status-change status-change-unblock' : 'status-change'}>
          {plural(change.count, 'user', 'users')}: {change.from} → {change.to}
        </p>
      ))}
    </div>
  );
}

const modeWords: Record<ImportMode, string> = {
  upsert: 'Create new users and update existing ones',
  create_only: 'Only create new users (rows naming an existing user are skipped)',
  update_only: 'Only update existing users (rows naming an unknown user are skipped)',
};

/** The Start step: mode, a reason for status changes, consent to unblock, in plain words. */
export function StartImportForm({ job, appId }: { job: ImportJob; appId: string }) {
  const start = useStartImportWith(appId, job.id);
  const [mode, setMode] = useState<ImportMode>(job.mode ?? 'upsert');
  const [reason, setReason] = useState('');
  const [allowUnblock, setAllowUnblock] = useState(false);
  const reasonId = useId();
  const statusChanges = (job.status_changes ?? []).reduce((sum, change) => sum + change.count, 0);
  const unblocks = (job.status_changes ?? []).filter((change) => change.from === 'BLOCKED').reduce((sum, change) => sum + change.count, 0);
  const asksStatus = statusChanges > 0 && mode !== 'create_only';
  // Start waits for what the run needs (docs/imports.md): a reason unless the file brings its own per
  // row, and the tick before any user leaves BLOCKED, so the API's own words never have to appear.
  const rowReasons = (job.columns ?? []).some((column) => column.field === 'status_reason');
  const needsReason = asksStatus && !rowReasons && reason.trim() === '';
  const needsTick = asksStatus && unblocks > 0 && !allowUnblock;
  return (
    <form
      className="start-form"
      onSubmit={(event) => {
        event.preventDefault();
        start.mutate({ mode, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(allowUnblock ? { allow_unblock: true } : {}) });
      }}
    >
      <fieldset>
        <legend>What should the import do?</legend>
        {(Object.keys(modeWords) as ImportMode[]).map((value) => (
          <label key={value} className="radio">
            <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} /> {modeWords[value]}
          </label>
        ))}
        {mode !== (job.mode ?? 'upsert') && <p className="hint">The counts above were forecast for another choice; the run counts again.</p>}
      </fieldset>
      {asksStatus && (
        <div className="field">
          <label htmlFor={reasonId}>
            Why are you changing the status of {plural(statusChanges, 'user', 'users')}?
          </label>
          <input id={reasonId} type="text" maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} placeholder="Recorded in each user's history" />
          <p className="hint">Rows with their own status_reason keep theirs; this reason goes to the others.</p>
        </div>
      )}
      {asksStatus && unblocks > 0 && (
        <label className="checkbox">
          <input type="checkbox" checked={allowUnblock} onChange={(event) => setAllowUnblock(event.target.checked)} /> Yes, unblock {plural(unblocks, 'user', 'users')} that{' '}
          {unblocks === 1 ? 'is' : 'are'} BLOCKED now
        </label>
      )}
      {(needsReason || needsTick) && (
        <p className="hint" role="status">
          {needsReason ? 'Give a reason for the status changes' : ''}
          {needsReason && needsTick ? ', and tick the box to confirm the unblocking' : needsTick ? 'Tick the box to confirm that these users may be unblocked' : ''} before starting.
        </p>
      )}
      <ErrorMessage error={start.error} title="The import did not start." />
      <div className="actions">
        <button type="submit" className="button-primary" disabled={start.isPending || job.valid_rows === 0 || needsReason || needsTick}>
          {start.isPending ? 'Starting…' : `Start import of ${plural(job.valid_rows, 'valid row', 'valid rows')}`}
        </button>
      </div>
    </form>
  );
}

/** Revert on an ended import: the dry run's counts, then the job's progress and result. */
export function RevertPanel({ job, appId }: { job: ImportJob; appId: string }) {
  const [asking, setAsking] = useState(false);
  const preview = useRevertPreview(appId, job.id, asking && !job.revert_status);
  const revert = useRevertImport(appId, job.id);
  if (job.created + job.updated === 0 && !job.revert_status) return null;
  if (job.revert_status) {
    const done = job.revert_status === 'completed';
    return (
      <div className="revert-panel" aria-label="Revert">
        <h3>{done ? 'Reverted' : job.revert_status === 'failed' ? 'Revert failed' : 'Reverting…'}</h3>
        {job.revert_error && <div className="notice notice-error">{job.revert_error.message}</div>}
        <p>
          {plural(job.reverted ?? 0, 'user', 'users')} restored · {plural(job.deleted ?? 0, 'user', 'users')} deleted · {plural(job.conflicts ?? 0, 'conflict', 'conflicts')} left as they are
        </p>
        {(job.conflicts ?? 0) > 0 && (
          <a className="button-secondary" href={revertConflictsUrl(appId, job.id)} download>
            Download the conflicts
          </a>
        )}
      </div>
    );
  }
  return (
    <div className="revert-panel" aria-label="Revert">
      {!asking ? (
        <button type="button" className="button-secondary" onClick={() => setAsking(true)}>
          Revert this import…
        </button>
      ) : (
        <>
          {preview.isPending && <Loading label="Counting what a revert would do…" />}
          <ErrorMessage error={preview.error ?? revert.error} />
          {preview.data && (
            <p>
              Reverting restores {plural(preview.data.restore, 'user', 'users')}, deletes {plural(preview.data.delete, 'user', 'users')} this import created, and leaves{' '}
              {plural(preview.data.conflicts, 'change', 'changes')} as they are (changed since, or with a session or face since).
            </p>
          )}
          <div className="actions">
            <button type="button" className="button-danger" disabled={!preview.data || revert.isPending} onClick={() => revert.mutate(undefined)}>
              {revert.isPending ? 'Reverting…' : 'Revert the import'}
            </button>
            <button type="button" className="button-link" onClick={() => setAsking(false)}>
              Keep it
            </button>
          </div>
        </>
      )}
    </div>
  );
}
