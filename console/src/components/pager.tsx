import { useLocation, useSearchParams } from 'react-router-dom';
import { ErrorMessage, Loading } from './feedback.tsx';

interface PagerState {
  previousCursors?: (string | null)[];
}

/**
 * Cursor paging: the current cursor lives in the URL, the cursors of earlier pages in the
 * history entry's state, so Previous, the browser's Back button and a reload all work.
 */
export function useCursorPager() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const cursor = params.get('cursor');
  const previousCursors = (location.state as PagerState | null)?.previousCursors ?? [];

  const go = (target: string | null, stack: (string | null)[]) => {
    const nextParams = new URLSearchParams(params);
    if (target) nextParams.set('cursor', target);
    else nextParams.delete('cursor');
    setParams(nextParams, { state: { previousCursors: stack } satisfies PagerState });
  };

  return {
    cursor,
    pageNumber: cursor ? previousCursors.length + 1 : 1,
    hasPrevious: cursor !== null,
    next: (nextCursor: string) => go(nextCursor, [...previousCursors, cursor]),
    previous: () => go(previousCursors.at(-1) ?? null, previousCursors.slice(0, -1)),
  };
}

export type CursorPager = ReturnType<typeof useCursorPager>;

interface PagerProps {
  /** From useCursorPager: the page number and the way back and forth. */
  pager: CursorPager;
  nextCursor: string | null | undefined;
  busy: boolean;
  shown: number;
  /** The whole list's size in words ("1,234", "about 1.2M"), when known. */
  total?: string;
}

export function Pager({ pager, nextCursor, busy, shown, total }: PagerProps) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button-secondary" disabled={!pager.hasPrevious || busy} onClick={pager.previous}>
        ← Previous
      </button>
      <span className="pager-label" aria-live="polite">
        Page {pager.pageNumber} · {shown} shown{total !== undefined ? ` of ${total}` : ''}
        {busy ? ' · loading…' : ''}
      </span>
      <button type="button" className="button-secondary" disabled={!nextCursor || busy} onClick={() => nextCursor && pager.next(nextCursor)}>
        Next →
      </button>
    </nav>
  );
}

/** What PagedQuery reads of a list's query (TanStack Query's result for a `{results, next}` page). */
interface PageQuery {
  error: unknown;
  isPending: boolean;
  isFetching: boolean;
  isPlaceholderData: boolean;
  data?: { results: readonly unknown[]; next: string | null };
}

/**
 * A paged list's states in one place: its error, "Loading…" the first time, then the table (children)
 * and the pager, busy while the next page replaces the one shown.
 */
export function PagedQuery({ query, pager, loadingLabel, children }: { query: PageQuery; pager: CursorPager; loadingLabel: string; children: React.ReactNode }) {
  return (
    <>
      <ErrorMessage error={query.error} />
      {query.isPending ? (
        <Loading label={loadingLabel} />
      ) : (
        <>
          {children}
          <Pager pager={pager} nextCursor={query.data?.next} busy={query.isFetching && query.isPlaceholderData} shown={query.data?.results.length ?? 0} />
        </>
      )}
    </>
  );
}
