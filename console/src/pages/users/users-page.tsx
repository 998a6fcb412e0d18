import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { BulkSelection } from '../../api/bulk-actions.ts';
import type { UserFilters } from '../../api/types.ts';
import { defaultUserSort, useUsers, useUsersCount } from '../../api/users.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { Pager, useCursorPager } from '../../components/pager.tsx';
import { filtersFromParams, filtersToParams, hasFilters, UserFiltersForm } from '../../components/user-filters.tsx';
import { countOf, formatTotal } from '../../shared/format.ts';
import { useSession } from '../../shared/session.tsx';
import { BulkActionsBar, BulkProgress } from './bulk-actions-bar.tsx';
import { UsersTable } from './users-table.tsx';

export function UsersPage() {
  const { appId, app, can } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const sort = params.get('sort') ?? defaultUserSort;
  const pager = useCursorPager();
  const users = useUsers(appId, filters, pager.cursor, sort);
  const total = useUsersCount(appId, filters);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [runningBulkAction, setRunningBulkAction] = useState<string | null>(null);
  const filterKey = JSON.stringify(filters);

  // A new filter or application empties the selection: it would name users no longer shown.
  useEffect(() => {
    setChecked(new Set());
    setAllMatching(false);
  }, [filterKey, appId]);

  const withSort = (next: URLSearchParams, nextSort: string) => {
    if (nextSort !== defaultUserSort) next.set('sort', nextSort);
    return next;
  };
  // A new filter or sort starts again from the first page.
  const changeFilters = (next: UserFilters) => setParams(withSort(filtersToParams(next), sort), { replace: true });
  const changeSort = (nextSort: string) => setParams(withSort(filtersToParams(filters), nextSort), { replace: true });
  const rows = users.data?.results ?? [];
  const mayChange = can('users.write');

  const toggle = (id: string) => {
    setAllMatching(false);
    setChecked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const togglePage = () => {
    setAllMatching(false);
    setChecked((current) => {
      const everyChecked = rows.every((user) => current.has(user.didit_internal_id));
      const next = new Set(current);
      for (const user of rows) {
        if (everyChecked) next.delete(user.didit_internal_id);
        else next.add(user.didit_internal_id);
      }
      return next;
    });
  };
  const totalText = total.data ? formatTotal(total.data) : null;
  const selection: BulkSelection | null = allMatching ? { filters } : checked.size > 0 ? { ids: [...checked] } : null;
  const describe = allMatching ? `all ${totalText ?? ''} users matching the filters` : countOf(checked.size, 'user');
  const pageAllChecked = rows.length > 0 && rows.every((user) => checked.has(user.didit_internal_id));

  return (
    <>
      <PageHeader title="Users">
        <span className="muted" aria-live="polite">
          {totalText !== null ? (
            <span title={total.data?.exact ? undefined : 'Estimated from PostgreSQL statistics beyond 10,000 matches'}>
              {totalText} {total.data?.count === 1 ? 'user' : 'users'}
              {hasFilters(filters) ? ' match' : ''} · {app.name}
            </span>
          ) : (
            app.name
          )}
        </span>
      </PageHeader>
      <section aria-label="Filters" className="card">
        <UserFiltersForm value={filters} onChange={changeFilters} />
      </section>
      {mayChange && pageAllChecked && !allMatching && total.data && total.data.count > rows.length && (
        <p className="notice notice-info select-all-note">
          All {rows.length} users on this page are selected.{' '}
          <button type="button" className="button-link" onClick={() => setAllMatching(true)}>
            Select all {totalText} users matching the filters
          </button>
        </p>
      )}
      {mayChange && selection && (
        <BulkActionsBar
          appId={appId}
          selection={selection}
          describe={describe}
          onStarted={(id) => {
            setRunningBulkAction(id);
            setChecked(new Set());
            setAllMatching(false);
          }}
        />
      )}
      {runningBulkAction && <BulkProgress appId={appId} id={runningBulkAction} onClose={() => setRunningBulkAction(null)} />}
      <ErrorMessage error={users.error} />
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : (
        <>
          <div className="table-wrap cards-on-phone" tabIndex={0}>
            <UsersTable
              caption={`Users of ${app.name}`}
              rows={rows}
              sort={sort}
              onSort={changeSort}
              selection={mayChange ? { checked, toggle, togglePage } : undefined}
              linkState={{ back: `/users?${params.toString()}` }}
            />
            {rows.length === 0 && !users.error && (
              <p className="empty">{hasFilters(filters) ? 'No user matches these filters.' : 'No users yet. Import a CSV file or create users through the API.'}</p>
            )}
          </div>
          <Pager
            pager={pager}
            nextCursor={users.data?.next}
            busy={users.isFetching}
            shown={rows.length}
            total={totalText ?? undefined}
          />
        </>
      )}
    </>
  );
}
