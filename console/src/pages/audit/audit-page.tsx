import { Fragment, useId, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type AuditFilters, useAuditLog } from '../../api/audit.ts';
import { useOperators } from '../../api/settings.ts';
import type { AuditEntry } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { AuditChildren } from './audit-children.tsx';
import { formatNumber } from '../../shared/format.ts';
import { DetailsList } from '../../components/details-list.tsx';
import { Badge, ClipCell, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { Pager, useCursorPager } from '../../components/pager.tsx';
import { formatDateTime, formatShortDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { auditActions } from '../../../../src/shared/audit-actions.ts';

/** Suggestions only: the server takes any action, or a prefix ending in "." for a whole family. */
const knownActions = [...new Set(auditActions.map((action) => `${action.split('.')[0]}.`)), ...auditActions];

const filterNames = ['action', 'actor', 'app_id', 'since', 'until', 'viewed'] as const;

/** "Until" is a day people include; the API's `until` is exclusive, so ask for the next day's start. */
function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** A target as people know it: a user by its vendor_data, a file by its name, else a short id. */
function targetLabel(entry: AuditEntry): string {
  const target = entry.target!;
  const known = entry.details?.vendor_data ?? entry.details?.file_name ?? entry.details?.email;
  return typeof known === 'string' ? `${target.type} ${known}` : `${target.type} ${target.id.slice(0, 8)}`;
}

function AuditRow({ entry, appName }: { entry: AuditEntry; appName: string | undefined }) {
  const [open, setOpen] = useState(false);
  const [childrenOpen, setChildrenOpen] = useState(false);
  const detailsId = useId();
  const childrenId = useId();
  const hasDetails = entry.details && Object.keys(entry.details).length > 0;
  return (
    <Fragment>
      <tr className={open ? 'row-open' : undefined}>
        <td title={formatDateTime(entry.created_at)}>{formatShortDateTime(entry.created_at)}</td>
        <td className="cell-wrap">
          <code>{entry.action}</code>
          {entry.children && (
            // On a line of its own: beside the action it made the column so wide that Details fell off the right edge.
            <button type="button" className="button-link audit-children-toggle" aria-expanded={childrenOpen} aria-controls={childrenId} onClick={() => setChildrenOpen(!childrenOpen)}>
              {childrenOpen ? 'Hide' : 'Show'} {formatNumber(entry.children.count)} user {entry.children.count === 1 ? 'change' : 'changes'}
            </button>
          )}
        </td>
        <td>
          <Badge value={entry.outcome} />
        </td>
        <ClipCell>
          {entry.actor.label ?? entry.actor.id ?? '—'}
          {entry.actor.type !== 'operator' && <span className="muted"> ({entry.actor.type.replace('_', ' ')})</span>}
        </ClipCell>
        <ClipCell>{entry.app_id ? (appName ?? entry.app_id) : <span className="muted">organization</span>}</ClipCell>
        <ClipCell title={entry.target ? `${entry.target.type} ${entry.target.id}` : undefined}>
          {entry.target ? targetLabel(entry) : <span className="muted">—</span>}
        </ClipCell>
        <td>{entry.ip ?? <span className="muted">—</span>}</td>
        <td>
          {hasDetails ? (
            <button type="button" className="button-link" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
              {open ? 'Hide' : 'Details'}
            </button>
          ) : (
            // Nothing to open: plain text, not a link-looking button that does nothing.
            <span className="muted" title="No details recorded">
              —
            </span>
          )}
        </td>
      </tr>
      {open && (
        <tr id={detailsId} className="details-row">
          <td colSpan={8}>
            <DetailsList details={entry.details ?? {}} />
          </td>
        </tr>
      )}
      {childrenOpen && entry.children && (
        <tr id={childrenId} className="details-row">
          <td colSpan={8}>
            <AuditChildren filter={entry.children.filter} count={entry.children.count} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

export function AuditPage() {
  const { me, can } = useSession();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const pager = useCursorPager();
  const allowed = can('audit.read');
  const operators = useOperators(allowed && can('operators.manage'));
  const filters: AuditFilters = {
    action: params.get('action') ?? '',
    actor: params.get('actor') ?? '',
    app_id: params.get('app_id') ?? '',
    since: params.get('since') ?? '',
    until: params.get('until') ?? '',
    viewed: params.get('viewed') ?? '',
  };
  const [draft, setDraft] = useState(filters);
  const log = useAuditLog({ ...filters, until: filters.until ? dayAfter(filters.until) : '' }, pager.cursor, allowed);

  const apply = (next: AuditFilters) => {
    const nextParams = new URLSearchParams();
    for (const name of filterNames) if (next[name].trim()) nextParams.set(name, next[name].trim());
    setParams(nextParams);
  };
  const appNames = new Map(me.applications.map((application) => [application.id, application.name]));
  const rows = log.data?.results ?? [];

  return (
    <>
      <PageHeader title="Audit log" />
      <form
        className="card filters"
        aria-label="Audit log filters"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-action`}>Action</label>
          <input id={`${id}-action`} list={`${id}-actions`} placeholder="import. or user.created" value={draft.action} onChange={(event) => setDraft({ ...draft, action: event.target.value })} />
          <datalist id={`${id}-actions`}>
            {knownActions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${id}-actor`}>Operator</label>
          <input id={`${id}-actor`} list={`${id}-operators`} placeholder="email" value={draft.actor} onChange={(event) => setDraft({ ...draft, actor: event.target.value })} />
          <datalist id={`${id}-operators`}>
            {operators.data?.results.map((operator) => (
              <option key={operator.id} value={operator.email}>
                {operator.name ?? operator.email}
              </option>
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${id}-app`}>Application</label>
          <select id={`${id}-app`} value={draft.app_id} onChange={(event) => setDraft({ ...draft, app_id: event.target.value })}>
            <option value="">All</option>
            {me.applications.map((application) => (
              <option key={application.id} value={application.id}>
                {application.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-since`}>From</label>
          <input id={`${id}-since`} type="date" value={draft.since} onChange={(event) => setDraft({ ...draft, since: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>To (inclusive)</label>
          <input id={`${id}-until`} type="date" value={draft.until} onChange={(event) => setDraft({ ...draft, until: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-viewed`}>Who viewed (user id)</label>
          <input id={`${id}-viewed`} placeholder="didit_internal_id" size={36} value={draft.viewed} onChange={(event) => setDraft({ ...draft, viewed: event.target.value })} />
        </div>
        <div className="field field-action">
          <button type="submit" className="button-primary">
            Apply
          </button>
          <button
            type="button"
            className="button-link"
            onClick={() => {
              const cleared = { action: '', actor: '', app_id: '', since: '', until: '', viewed: '' };
              setDraft(cleared);
              apply(cleared);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorMessage error={log.error} />
      {log.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : (
        <>
          <DataTable
            caption="Audit log entries, newest first"
            columns={['When', 'Action', 'Outcome', 'Actor', 'Application', 'Target', 'IP', { label: 'Details', hidden: true }]}
            empty={rows.length === 0 && !log.error && 'No entries match.'}
          >
            {rows.map((entry) => (
              <AuditRow key={entry.id} entry={entry} appName={entry.app_id ? appNames.get(entry.app_id) : undefined} />
            ))}
          </DataTable>
          <Pager
            pager={pager}
            nextCursor={log.data?.next}
            busy={log.isFetching}
            shown={rows.length}
          />
        </>
      )}
    </>
  );
}
