import { Link } from 'react-router-dom';
import { type ConsoleFeedChange, useChanges } from '../../api/changes.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ClipCell, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { Pager, useCursorPager } from '../../components/pager.tsx';
import { describeChanges } from '../../shared/changes.ts';
import { formatDateTime, formatNumber, formatShortDateTime } from '../../shared/format.ts';
import { HiddenForRole } from '../../shared/redaction.tsx';
import { useSession } from '../../shared/session.tsx';

/** The application's change feed, newest first (docs/change-feed.md#reading), as the role may read it. */

const typeLabels: Record<string, string> = {
  'user.created': 'Created',
  'user.updated': 'Updated',
  'user.status_changed': 'Status changed',
  'user.deleted': 'Deleted',
  'user.erased': 'Erased',
};

function Source({ source }: { source: ConsoleFeedChange['source'] }) {
  switch (source.kind) {
    case 'import':
      return source.id ? <Link to={`/imports/${source.id}`}>import</Link> : <>import</>;
    case 'revert':
      return source.id ? <Link to={`/imports/${source.id}`}>revert of an import</Link> : <>revert of an import</>;
    case 'bulk':
      return <>bulk action</>;
    case 'session':
      return <>verification session</>;
    case 'api':
      return <>users API</>;
    default:
      return <>console</>;
  }
}

/** "email a@x → b@x; tags (none) → vip", with each withheld field named but not shown. */
function WhatChanged({ change }: { change: ConsoleFeedChange }) {
  const fields = Object.keys(change.changes);
  const shown = Object.fromEntries(Object.entries(change.changes).filter(([field]) => !change.redacted.includes(field)));
  const hidden = fields.filter((field) => change.redacted.includes(field));
  const text = describeChanges(shown);
  return (
    <>
      {text}
      {hidden.length > 0 && (
        <>
          {text ? '; ' : ''}
          {hidden.join(', ')} <HiddenForRole />
        </>
      )}
      {change.reason && <span className="muted">{text || hidden.length ? ' ' : ''}(reason: {change.reason})</span>}
      {!text && hidden.length === 0 && !change.reason && <span className="muted">—</span>}
    </>
  );
}

export function ChangesPage() {
  const { appId, app } = useSession();
  const pager = useCursorPager();
  const changes = useChanges(appId, pager.cursor);
  const rows = changes.data?.results ?? [];
  const nextBefore = changes.data?.has_more && changes.data.next_before !== undefined ? String(changes.data.next_before) : null;

  return (
    <>
      <PageHeader title="Changes" />
      <section className="card" aria-labelledby="changes-title">
        <h2 id="changes-title">Every change to the users of {app.name}, newest first</h2>
        <p className="hint">
          The same feed a data warehouse reads with <code>GET /v3/user-changes/</code>: each change has a <code>seq</code>, and an incremental export continues from
          one (<Link to="/exports">Export</Link>).
        </p>
        <ErrorMessage error={changes.error} />
        {changes.isPending ? (
          <Loading label="Loading changes…" />
        ) : (
          <>
            <DataTable
              caption="Changes, newest first"
              columns={[{ label: 'Seq', className: 'numeric' }, 'When', 'Change', 'User', 'By', 'What changed']}
              empty={rows.length === 0 && 'No changes yet: they appear here as users are created, edited, imported or deleted.'}
            >
              {rows.map((change) => (
                <tr key={change.seq}>
                  <td className="numeric">{formatNumber(change.seq)}</td>
                  <td title={formatDateTime(change.occurred_at)}>{formatShortDateTime(change.occurred_at)}</td>
                  <td>{typeLabels[change.type] ?? change.type}</td>
                  <ClipCell title={change.didit_internal_id}>
                    {change.user ? <Link to={`/users/${change.didit_internal_id}`}>{change.vendor_data}</Link> : change.vendor_data}
                  </ClipCell>
                  <td>
                    <Source source={change.source} />
                  </td>
                  <td className="cell-wrap">
                    <WhatChanged change={change} />
                  </td>
                </tr>
              ))}
            </DataTable>
            <Pager
              pager={pager}
              nextCursor={nextBefore}
              busy={changes.isFetching}
              shown={rows.length}
            />
          </>
        )}
      </section>
    </>
  );
}
