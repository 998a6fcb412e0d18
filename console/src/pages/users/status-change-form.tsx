import { type FormEvent, useState } from 'react';
import type { User, UserStatus } from '../../api/types.ts';
import { useChangeUserStatus } from '../../api/users.ts';
import { ErrorMessage } from '../../components/feedback.tsx';
import { suggestedStatus, userStatuses } from '../../shared/columns.ts';

export function StatusChangeForm({ appId, user }: { appId: string; user: User }) {
  const change = useChangeUserStatus(appId, user.didit_internal_id);
  const [status, setStatus] = useState<UserStatus>(suggestedStatus(user.status));
  const [reason, setReason] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { status, reason: reason.trim() },
      {
        onSuccess: (updated) => {
          setReason('');
          setStatus(suggestedStatus(updated.status));
        },
      },
    );
  };

  return (
    <form onSubmit={submit} className="form-stack">
      <div className="field">
        <label htmlFor="new-status">New status</label>
        <select id="new-status" value={status} onChange={(event) => setStatus(event.target.value as UserStatus)}>
          {userStatuses.map((option) => (
            <option key={option} value={option} disabled={option === user.status}>
              {option}
              {option === user.status ? ' (current)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="status-reason">Reason</label>
        <textarea id="status-reason" required rows={2} maxLength={1000} value={reason} onChange={(event) => setReason(event.target.value)} />
        <small className="hint">Kept in the audit log with your name.</small>
      </div>
      <ErrorMessage error={change.error} />
      {change.isSuccess && (
        <p className="notice notice-success" role="status">
          Status changed to {change.data.status}.
        </p>
      )}
      <div>
        <button type="submit" className="button-primary" disabled={change.isPending || status === user.status || !reason.trim()}>
          {change.isPending ? 'Saving…' : 'Change status'}
        </button>
      </div>
    </form>
  );
}
