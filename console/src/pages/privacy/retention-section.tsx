import { type FormEvent, useEffect, useState } from 'react';
import { type Retention, type RetentionCategory, retentionCategories, useChangeRetention, useRetention } from '../../api/erasure.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';

/** How long each kind of data is kept (docs/privacy.md#retention), and when the daily run comes next. */

const labels: Record<RetentionCategory, { name: string; after: string }> = {
  import_files: { name: 'Import files and previews', after: 'after the import ends (rejected rows included)' },
  exports: { name: 'Export files', after: 'after the export is ready' },
  faces: { name: 'Face images', after: 'after the upload' },
  inactive_users: { name: 'Inactive users', after: 'after their last activity' },
  audit: { name: 'Audit log', after: 'after the entry' },
  change_feed: { name: 'Change feed', after: 'after the change' },
};

type Draft = Record<RetentionCategory, string>;
const draftOf = (retention: Retention): Draft => Object.fromEntries(retentionCategories.map((category) => [category, retention.retention[category] ?? ''])) as Draft;

export function RetentionSection({ appId }: { appId: string }) {
  const { can } = useSession();
  const retention = useRetention(appId);
  const change = useChangeRetention(appId);
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (retention.data) setDraft(draftOf(retention.data));
  }, [retention.data]);
  const editable = can('retention.manage');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft || !retention.data) return;
    const body: Partial<Record<RetentionCategory, string | null>> = {};
    for (const category of retentionCategories) {
      const value = draft[category].trim();
      if (value !== (retention.data.retention[category] ?? '')) body[category] = value === '' ? null : value;
    }
    change.mutate(body);
  };

  if (retention.isPending) return <Loading label="Loading retention…" />;
  if (!retention.data || !draft) return <ErrorMessage error={retention.error} />;
  const data = retention.data;
  return (
    <form onSubmit={submit} className="form-stack" aria-label="Retention">
      <p>
        Each kind of data is deleted once it is older than its period. Write a period as <code>30d</code>, <code>12w</code> or <code>3y</code>; leave it
        empty to keep that data with no end. The next run is on {formatDateTime(data.next_run_at)}
        {data.last_run ? `; the last one, on ${formatDateTime(data.last_run.at)}, removed ${Object.entries(data.last_run.removed).map(([what, count]) => `${count} ${what.replace('_', ' ')}`).join(', ')}` : ''}.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Data</th>
            <th scope="col">Kept for</th>
            <th scope="col">Default</th>
          </tr>
        </thead>
        <tbody>
          {retentionCategories.map((category) => (
            <tr key={category}>
              <th scope="row">
                <label htmlFor={`retention-${category}`}>{labels[category].name}</label>
              </th>
              <td>
                <input
                  id={`retention-${category}`}
                  size={6}
                  value={draft[category]}
                  disabled={!editable}
                  placeholder="keep"
                  onChange={(event) => setDraft({ ...draft, [category]: event.target.value })}
                />{' '}
                <small className="hint">{labels[category].after}</small>
              </td>
              <td>{data.defaults[category] ?? 'keep'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorMessage error={change.error} />
      {change.isSuccess && (
        <p className="notice notice-success" role="status">
          Retention saved.
        </p>
      )}
      {editable && (
        <div>
          <button type="submit" className="button-primary" disabled={change.isPending}>
            {change.isPending ? 'Saving…' : 'Save retention'}
          </button>
        </div>
      )}
    </form>
  );
}
