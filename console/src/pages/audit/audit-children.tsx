import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../../api/client.ts';
import type { AuditEntry, Page } from '../../api/types.ts';
import { ErrorMessage, Loading } from '../../components/feedback.tsx';
import { describeChanges } from '../../shared/changes.ts';
import type { FieldChanges } from '../../api/types.ts';
import { formatNumber } from '../../shared/format.ts';

/** The per-user entries folded under an import's line (docs/import-ledger.md#per-user-history): listed on demand, a page at a time. */
export function AuditChildren({ filter, count }: { filter: NonNullable<AuditEntry['children']>['filter']; count: number }) {
  const children = useInfiniteQuery({
    queryKey: ['audit', 'children', filter],
    queryFn: ({ pageParam, signal }) => api<Page<AuditEntry>>('/audit-logs', { query: { ...filter, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  if (children.isPending) return <Loading label="Loading the users it changed…" />;
  if (children.error) return <ErrorMessage error={children.error} />;
  const entries = children.data.pages.flatMap((page) => page.results);
  return (
    <>
      <ul className="audit-children" aria-label={`${formatNumber(count)} user changes`}>
        {entries.map((entry) => {
          const details = entry.details ?? {};
          return (
            <li key={entry.id}>
              <code>{entry.action}</code>{' '}
              {entry.target && entry.app_id ? <Link to={`/users/${entry.target.id}`}>{String(details.vendor_data ?? entry.target.id)}</Link> : String(details.vendor_data ?? '')}
              {details.changes ? `: ${describeChanges(details.changes as FieldChanges)}` : ''}
            </li>
          );
        })}
      </ul>
      {children.hasNextPage && (
        <button type="button" className="button-secondary" disabled={children.isFetchingNextPage} onClick={() => void children.fetchNextPage()}>
          {children.isFetchingNextPage ? 'Loading…' : `Show more (${formatNumber(entries.length)} of ${formatNumber(count)})`}
        </button>
      )}
    </>
  );
}
