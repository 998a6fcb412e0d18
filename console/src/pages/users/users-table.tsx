import { Link } from 'react-router-dom';
import type { User } from '../../api/types.ts';
import type { UserSortKey } from '../../api/users.ts';
import { Badge, ClipCell } from '../../components/feedback.tsx';
import { formatDateTime, formatNumber, formatShortDate, formatShortDateTime } from '../../shared/format.ts';
import { personal } from '../../shared/redaction.tsx';

interface SortableColumn {
  key: UserSortKey;
  label: string;
}

/** Parses "-created_at" into its key and direction. */
export function parseSort(sort: string): { key: string; descending: boolean } {
  return { key: sort.replace(/^-/, ''), descending: sort.startsWith('-') };
}

function SortHeader({ column, sort, onSort, className }: { column: SortableColumn; sort: string; onSort(sort: string): void; className?: string }) {
  const current = parseSort(sort);
  const active = current.key === column.key;
  // Dates start newest first; text starts A→Z.
  const firstDescending = column.key === 'created_at' || column.key === 'last_activity_at';
  const next = active ? (current.descending ? column.key : `-${column.key}`) : firstDescending ? `-${column.key}` : column.key;
  return (
    <th scope="col" className={className} aria-sort={active ? (current.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort-button" onClick={() => onSort(next)}>
        {column.label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (current.descending ? ' ↓' : ' ↑') : ' ↕'}
        </span>
      </button>
    </th>
  );
}

interface Props {
  caption: string;
  rows: User[];
  sort: string;
  onSort(sort: string): void;
  /** Row selection for bulk actions; absent for roles that may not change users. */
  selection?: { checked: Set<string>; toggle(id: string): void; togglePage(): void };
  linkState: unknown;
}

/** The users list: sortable headers, checkable rows, cells cut with an ellipsis and the full value on hover. */
export function UsersTable({ caption, rows, sort, onSort, selection, linkState }: Props) {
  const allChecked = selection !== undefined && rows.length > 0 && rows.every((user) => selection.checked.has(user.didit_internal_id));
  const someChecked = selection !== undefined && rows.some((user) => selection.checked.has(user.didit_internal_id));
  return (
    <table className="data-table users-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {selection && (
            <th scope="col" className="check-cell">
              <input
                type="checkbox"
                aria-label="Select every user on this page"
                checked={allChecked}
                ref={(input) => {
                  if (input) input.indeterminate = someChecked && !allChecked;
                }}
                onChange={selection.togglePage}
              />
            </th>
          )}
          <SortHeader column={{ key: 'vendor_data', label: 'Vendor data' }} sort={sort} onSort={onSort} />
          <SortHeader column={{ key: 'name', label: 'Name' }} sort={sort} onSort={onSort} />
          <th scope="col">Email</th>
          <th scope="col">Status</th>
          <th scope="col">Country</th>
          <th scope="col">Tags</th>
          <th scope="col" className="numeric">
            Sessions
          </th>
          <SortHeader column={{ key: 'created_at', label: 'Created' }} sort={sort} onSort={onSort} />
          <SortHeader column={{ key: 'last_activity_at', label: 'Last activity' }} sort={sort} onSort={onSort} />
        </tr>
      </thead>
      <tbody>
        {rows.map((user) => (
          <tr key={user.didit_internal_id} className={selection?.checked.has(user.didit_internal_id) ? 'row-checked' : undefined}>
            {selection && (
              <td className="check-cell">
                <input
                  type="checkbox"
                  aria-label={`Select ${user.vendor_data}`}
                  checked={selection.checked.has(user.didit_internal_id)}
                  onChange={() => selection.toggle(user.didit_internal_id)}
                />
              </td>
            )}
            <ClipCell strong title={user.vendor_data} label="Vendor data">
              <Link to={`/users/${user.didit_internal_id}`} state={linkState}>
                {user.vendor_data}
              </Link>
            </ClipCell>
            <ClipCell title={user.effective_name ?? undefined} label="Name">
              {personal(user, 'effective_name', user.effective_name ?? <span className="muted">—</span>)}
            </ClipCell>
            <ClipCell title={user.email ?? undefined} label="Email">
              {personal(user, 'email', user.email ?? <span className="muted">—</span>)}
            </ClipCell>
            <td data-label="Status">
              <Badge value={user.status} />
            </td>
            <td data-label="Country">{user.country ?? <span className="muted">—</span>}</td>
            <td className="cell-wrap" data-label="Tags">
              {user.tags.map((tag) => (
                <span key={tag} className="tag">
                  {tag}
                </span>
              ))}
            </td>
            <td className="numeric" data-label="Sessions">
              {formatNumber(user.session_count)}
            </td>
            <td title={formatDateTime(user.created_at)} data-label="Created">
              {formatShortDate(user.created_at)}
            </td>
            <td title={user.last_activity_at ? formatDateTime(user.last_activity_at) : undefined} data-label="Last activity">
              {formatShortDateTime(user.last_activity_at)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
