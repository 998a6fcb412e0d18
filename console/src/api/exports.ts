import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { ExportFormatChoice, ExportJob, Page, UserFilters } from './types.ts';

const moving = (item: ExportJob) => item.status === 'queued' || item.status === 'running';

export function useExports(appId: string) {
  return useQuery({
    queryKey: ['exports', appId],
    queryFn: ({ signal }) => api<Page<ExportJob>>(`/apps/${appId}/exports`, { query: { limit: 20 }, signal }),
    refetchInterval: (query) => (query.state.data?.results.some(moving) ? 1500 : false),
  });
}

/** The filter object the export API takes: empty filters are left out rather than sent empty. */
export function exportFilters(filters: UserFilters): Partial<UserFilters> {
  const body: Partial<UserFilters> = {};
  if (filters.status.length) body.status = filters.status;
  if (filters.country.length) body.country = filters.country;
  if (filters.tags.length) body.tags = filters.tags;
  if (filters.search.trim()) body.search = filters.search.trim();
  if (filters.created_after) body.created_after = filters.created_after;
  if (filters.created_before) body.created_before = filters.created_before;
  return body;
}

/** The requester (or an OWNER): a queued export never starts, a running one stops at its next chunk. */
export function useCancelExport(appId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (exportId: string) => api<ExportJob>(`/apps/${appId}/exports/${exportId}/cancel`, { method: 'POST' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exports', appId] });
    },
  });
}

/** OWNER: the link stops working at once, for everyone who holds it (the email too). */
export function useRevokeExport(appId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (exportId: string) => api<ExportJob>(`/apps/${appId}/exports/${exportId}/revoke`, { method: 'POST' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exports', appId] });
    },
  });
}

export function useRequestExport(appId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ filters, ...request }: { filters: UserFilters; columns: string[]; sinceSeq: number | null } & ExportFormatChoice) =>
      api<ExportJob>(`/apps/${appId}/exports`, {
        method: 'POST',
        body: { filters: exportFilters(filters), columns: request.columns, format: request.format, compression: request.compression, since_seq: request.sinceSeq },
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exports', appId] });
    },
  });
}
