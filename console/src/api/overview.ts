import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import type { UserCount } from './users.ts';

export interface Overview {
  users: {
    total: UserCount;
    by_status: { status: string; count: number }[];
    by_country: { country: string | null; count: number }[];
    created_per_day: { day: string; count: number }[];
  };
  recent_imports: { id: string; file_name: string; status: string; total_rows: number; created: number; updated: number; skipped: number; created_at: string; finished_at: string | null }[] | null;
  recent_exports: { id: string; status: string; row_count: number | null; created_by: string | null; created_at: string; finished_at: string | null; error: string | null }[];
}

export function useOverview(appId: string) {
  return useQuery({
    queryKey: ['overview', appId],
    queryFn: ({ signal }) => api<Overview>(`/apps/${appId}/overview`, { signal }),
    // Imports and exports move on while the page is open.
    refetchInterval: 15_000,
  });
}
