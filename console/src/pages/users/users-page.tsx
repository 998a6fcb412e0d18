import { Link, useSearchParams } from 'react-router-dom';
import { useUsers } from '../../api/users.ts';
import type { UserFilters } from '../../api/types.ts';
import { Badge, ClipCell, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { Pager, useCursorPager } from '../../components/pager.tsx';
import { filtersFromParams, filtersToParams, hasFilters, UserFiltersForm } from '../../components/user-filters.tsx';
import { formatDateTime, formatNumber, formatShortDate, formatShortDateTime } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { personal } from '../../shared/redaction.tsx';

export function UsersPage() {
  const { appId, app } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const pager = useCursorPager();
  const users = useUsers(appId, filters, pager.cursor);

  // A new filter starts again from the first page.
  const changeFilters = (next: UserFilters) => setParams(filtersToParams(next), { replace: true });
  const rows = users.data?.results ?? [];

  return (
    <>
      <PageHeader title="Users">
        <span className="muted">{app.name}</span>
      </PageHeader>
      <section aria-label="Filters" className="card">
        <UserFiltersForm value={filters} onChange={changeFilters} />
      </section>
      <ErrorMessage error={users.error} />
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : (
        <>
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">Users of {app.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Vendor data</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Status</th>
                  <th scope="col">Country</th>
                  <th scope="col">Tags</th>
                  <th scope="col" className="numeric">
                    Sessions
                  </th>
                  <th scope="col">Created</th>
                  <th scope="col">Last activity</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((user) => (
                  <tr key={user.didit_internal_id}>
                    <ClipCell strong>
                      <Link to={`/users/${user.didit_internal_id}`} state={{ back: `/users?${params.toString()}` }}>
                        {user.vendor_data}
                      </Link>
                    </ClipCell>
                    <ClipCell>{personal(user, 'effective_name', user.effective_name ?? <span className="muted">—</span>)}</ClipCell>
                    <ClipCell>{personal(user, 'email', user.email ?? <span className="muted">—</span>)}</ClipCell>
                    <td>
                      <Badge value={user.status} />
                    </td>
                    <td>{user.country ?? <span className="muted">—</span>}</td>
                    <td className="cell-wrap">
                      {user.tags.map((tag) => (
                        <span key={tag} className="tag">
                          {tag}
                        </span>
                      ))}
                    </td>
                    <td className="numeric">{formatNumber(user.session_count)}</td>
                    <td title={formatDateTime(user.created_at)}>{formatShortDate(user.created_at)}</td>
                    <td title={user.last_activity_at ? formatDateTime(user.last_activity_at) : undefined}>{formatShortDateTime(user.last_activity_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length === 0 && !users.error && (
              <p className="empty">{hasFilters(filters) ? 'No user matches these filters.' : 'No users yet. Import a CSV file or create users through the API.'}</p>
            )}
          </div>
          <Pager
            pageNumber={pager.pageNumber}
            hasPrevious={pager.hasPrevious}
            nextCursor={users.data?.next}
            busy={users.isFetching}
            onPrevious={pager.previous}
            onNext={pager.next}
            shown={rows.length}
          />
        </>
      )}
    </>
  );
}
