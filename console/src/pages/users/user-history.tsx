import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { AuditEntry, Page } from '../../api/types.ts';
import { DetailsList } from '../../components/details-list.tsx';
import { Badge, ErrorMessage, Loading } from '../../components/feedback.tsx';
import { describeEntry } from '../../shared/changes.ts';
import { formatDateTime } from '../../shared/format.ts';

const HISTORY_PAGE = 50;

/** A user's audit entries (target_id), newest first, imports and reverts included, a page at a time. */
function useUserHistory(userId: string) {
  return useInfiniteQuery({
    queryKey: ['audit', 'user-history', userId],
    queryFn: ({ pageParam, signal }) => api<Page<AuditEntry>>('/audit-logs', { query: { target_id: userId, limit: HISTORY_PAGE, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
}

export function UserHistory({ userId }: { userId: string }) {
  const history = useUserHistory(userId);
  if (history.isPending) return <Loading label="Loading history…" />;
  if (history.error) return <ErrorMessage error={history.error} />;
  const entries = history.data.pages.flatMap((page) => page.results);
  if (entries.length === 0) return <p className="empty">Nothing recorded for this user yet.</p>;
  return (
    <>
      <ol className="timeline">
        {entries.map((entry) => {
          const sentence = describeEntry(entry);
          return (
            <li key={entry.id}>
              <div className="timeline-head">
                <strong>{sentence ?? entry.action}</strong> <code className="muted">{entry.action}</code> <Badge value={entry.outcome} />
                <span className="muted">
                  {' '}
                  {sentence ? '' : `by ${entry.actor.label ?? entry.actor.type} · `}
                  {formatDateTime(entry.created_at)}
                </span>
              </div>
              {!sentence && entry.details && Object.keys(entry.details).length > 0 && <DetailsList details={entry.details} />}
            </li>
          );
        })}
      </ol>
      {history.hasNextPage && (
        <div className="actions">
          <button type="button" className="button-secondary" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
            {history.isFetchingNextPage ? 'Loading…' : 'Show older entries'}
          </button>
        </div>
      )}
    </>
  );
}
