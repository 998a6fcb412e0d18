import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { type BulkActionKind, type BulkSelection, useBulkAction, useExportSelection, useRequestBulkAction } from '../../api/bulk-actions.ts';
import type { UserStatus } from '../../api/types.ts';
import { ErrorMessage, ProgressBar } from '../../components/feedback.tsx';
import { defaultUserStatus, suggestedStatus, userStatuses } from '../../shared/columns.ts';
import { countOf, formatNumber } from '../../shared/format.ts';

type Choice = BulkActionKind | 'export';

const choiceLabels: Record<Choice, string> = {
  set_status: 'Change status',
  add_tag: 'Add a tag',
  remove_tag: 'Remove a tag',
  delete: 'Delete',
  export: 'Export',
};

const verbs: Record<BulkActionKind, string> = { set_status: 'Status changed', add_tag: 'Tag added', remove_tag: 'Tag removed', delete: 'Deleted' };

export function BulkProgress({ appId, id, onClose }: { appId: string; id: string; onClose(): void }) {
  const action = useBulkAction(appId, id);
  const data = action.data;
  if (!data) return <ErrorMessage error={action.error} />;
  const done = data.status === 'completed';
  return (
    <div className={`notice ${data.status === 'failed' ? 'notice-error' : done ? 'notice-success' : 'notice-info'}`} role="status">
      <ProgressBar value={data.processed} max={data.total} label="Bulk action progress" />
      <p>
        {done
          ? `${verbs[data.action]}: ${countOf(data.changed, 'user')} changed of ${formatNumber(data.total)} selected (the others needed no change). Each change is in the audit log.`
          : data.status === 'failed'
            ? `Stopped after ${formatNumber(data.processed)} of ${formatNumber(data.total)}: ${data.error ?? 'the job failed'}. What was applied stays applied.`
            : `${formatNumber(data.processed)} of ${countOf(data.total, 'user')} done…`}
      </p>
      {(done || data.status === 'failed') && (
        <button type="button" className="button-link" onClick={onClose}>
          Dismiss
        </button>
      )}
    </div>
  );
}

interface Props {
  appId: string;
  selection: BulkSelection;
  /** How many users the selection covers, in words ("3 users", "all about 1.2M users matching the filters"). */
  describe: string;
  /** The job was queued: the page shows its progress (the selection, and this bar, go away). */
  onStarted(bulkActionId: string): void;
}

/** What to do with the checked users: one form, each action asking only for what it needs. */
export function BulkActionsBar({ appId, selection, describe, onStarted }: Props) {
  const ids = useId();
  const [choice, setChoice] = useState<Choice>('set_status');
  const [status, setStatus] = useState<UserStatus>(suggestedStatus(defaultUserStatus));
  const [reason, setReason] = useState('');
  const [tag, setTag] = useState('');
  const [confirming, setConfirming] = useState(false);
  const request = useRequestBulkAction(appId);
  const exportSelection = useExportSelection(appId);

  const ready = choice === 'set_status' ? reason.trim() !== '' : choice === 'add_tag' || choice === 'remove_tag' ? tag.trim() !== '' : true;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (choice === 'export') return exportSelection.mutate(selection);
    if (choice === 'delete' && !confirming) return setConfirming(true);
    setConfirming(false);
    request.mutate(
      { selection, request: { action: choice, status: choice === 'set_status' ? status : undefined, reason: choice === 'set_status' ? reason.trim() : undefined, tag: choice.endsWith('_tag') ? tag.trim() : undefined } },
      {
        onSuccess: (created) => {
          setReason('');
          setTag('');
          onStarted(created.id);
        },
      },
    );
  };

  return (
    <section className="card bulk-bar" aria-label="Bulk actions">
      <form className="bulk-form" onSubmit={submit}>
        <strong className="bulk-count">{describe}</strong>
        <div className="field">
          <label htmlFor={`${ids}-action`}>Action</label>
          <select
            id={`${ids}-action`}
            value={choice}
            onChange={(event) => {
              setChoice(event.target.value as Choice);
              setConfirming(false);
            }}
          >
            {(Object.keys(choiceLabels) as Choice[]).map((option) => (
              <option key={option} value={option}>
                {choiceLabels[option]}
              </option>
            ))}
          </select>
        </div>
        {choice === 'set_status' && (
          <>
            <div className="field">
              <label htmlFor={`${ids}-status`}>New status</label>
              <select id={`${ids}-status`} value={status} onChange={(event) => setStatus(event.target.value as UserStatus)}>
                {userStatuses.map((option) => (
                  <option key={option}>{option}</option>
                ))}
              </select>
            </div>
            <div className="field field-grow">
              <label htmlFor={`${ids}-reason`}>Reason (required)</label>
              <input id={`${ids}-reason`} value={reason} maxLength={500} onChange={(event) => setReason(event.target.value)} />
            </div>
          </>
        )}
        {(choice === 'add_tag' || choice === 'remove_tag') && (
          <div className="field">
            <label htmlFor={`${ids}-tag`}>Tag</label>
            <input id={`${ids}-tag`} value={tag} maxLength={100} onChange={(event) => setTag(event.target.value)} />
          </div>
        )}
        <div className="bulk-submit">
          {confirming ? (
            <span className="confirm">
              <button type="submit" className="button-danger" autoFocus>
                Delete {describe} for good
              </button>
              <button type="button" className="button-link" onClick={() => setConfirming(false)}>
                Keep them
              </button>
            </span>
          ) : (
            <button type="submit" className={choice === 'delete' ? 'button-danger' : 'button-primary'} disabled={!ready || request.isPending || exportSelection.isPending}>
              {choice === 'export' ? 'Export' : 'Apply'}
            </button>
          )}
        </div>
      </form>
      <ErrorMessage error={request.error ?? exportSelection.error} />
      {exportSelection.isSuccess && (
        <p className="notice notice-success" role="status">
          Export requested. Follow it under <Link to="/exports">Export</Link>; the link is emailed to you when it is ready.
        </p>
      )}
    </section>
  );
}
