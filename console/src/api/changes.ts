import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import type { FeedChange } from '../../../src/shared/change-feed.ts';

/** A change of the application's feed as the console reads it (docs/change-feed.md#reading). */
export interface ConsoleFeedChange extends FeedChange {
  /** Personal fields withheld from the operator's role: null in `changes` and `user`. */
  redacted: string[];
}

export interface FeedPage {
  results: ConsoleFeedChange[];
  next_before?: number;
  has_more: boolean;
}

/** The feed newest first, a page of 50 before `before` (null: from the newest change). */
export function useChanges(appId: string, before: string | null) {
  return useQuery({
    queryKey: ['changes', appId, before],
    queryFn: ({ signal }) => api<FeedPage>(`/apps/${appId}/changes`, { query: { order: 'desc', before, limit: 50 }, signal }),
    placeholderData: keepPreviousData,
  });
}
