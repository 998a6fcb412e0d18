import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl, type UploadProgress, upload } from './client.ts';
import type { ImportJob, ImportRows, ImportStatus, Page, RowFilter } from './types.ts';

/** Statuses after which an import no longer changes by itself. */
export const settledImportStatuses: readonly ImportStatus[] = ['ready', 'needs_mapping', 'completed', 'failed', 'cancelled'];

/** The status as people read it: a preview said no to (docs/imports.md#discard) is "discarded", not "cancelled". */
export function importStatusLabel(job: Pick<ImportJob, 'status' | 'error'>): string {
  return job.status === 'cancelled' && job.error?.code === 'discarded' ? 'discarded' : job.status;
}

export function isImportMoving(status: ImportStatus): boolean {
  return !settledImportStatuses.includes(status);
}

export const templateUrl = (appId: string) => apiUrl(`/apps/${appId}/imports/template.csv`);
export const errorReportUrl = (appId: string, importId: string) => apiUrl(`/apps/${appId}/imports/${importId}/errors.csv`);

export function useImports(appId: string, cursor: string | null, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['imports', appId, cursor],
    queryFn: ({ signal }) => api<Page<ImportJob>>(`/apps/${appId}/imports`, { query: { cursor, page_size: 50 }, signal }),
    placeholderData: keepPreviousData,
    // The history shows running imports' progress, so it keeps polling while any is moving.
    refetchInterval: (query) => (query.state.data?.results.some((item) => isImportMoving(item.status)) ? 2000 : false),
  });
}

export function useImport(appId: string, importId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['import', appId, importId],
    queryFn: ({ signal }) => api<ImportJob>(`/apps/${appId}/imports/${importId}`, { signal }),
    // A revert in progress moves too (its counts grow) after the import itself has ended.
    refetchInterval: (query) => {
      const job = query.state.data;
      return job && (isImportMoving(job.status) || job.revert_status === 'queued' || job.revert_status === 'running') ? 1000 : false;
    },
    retry: false,
  });
}

export function useImportRows(appId: string, importId: string, only: RowFilter | undefined, offset: number, limit: number, enabled: boolean) {
  return useQuery({
    queryKey: ['import-rows', appId, importId, only ?? 'all', offset, limit],
    queryFn: ({ signal }) => api<ImportRows>(`/apps/${appId}/imports/${importId}/rows`, { query: { only, offset, limit }, signal }),
    placeholderData: keepPreviousData,
    enabled,
    staleTime: Infinity,
  });
}

/** `options`: a preset and a default region for national phone numbers (docs/vendor-migration.md). */
export function uploadImport(appId: string, file: File, onProgress: (sent: UploadProgress) => void, options: { preset?: string; defaultRegion?: string } = {}): Promise<ImportJob> {
  const form = new FormData();
  form.append('file', file, file.name);
  const query = new URLSearchParams();
  if (options.preset) query.set('preset', options.preset);
  if (options.defaultRegion) query.set('default_region', options.defaultRegion);
  return upload<ImportJob>(`/apps/${appId}/imports${query.size > 0 ? `?${query}` : ''}`, form, onProgress);
}

function useImportAction(appId: string, importId: string, action: 'start' | 'cancel' | 'discard') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<ImportJob>(`/apps/${appId}/imports/${importId}/${action}`, { method: 'POST' }),
    onSuccess: async (updated) => {
      if (updated?.id) queryClient.setQueryData(['import', appId, importId], updated);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['import', appId, importId] }),
        queryClient.invalidateQueries({ queryKey: ['imports', appId] }),
      ]);
    },
  });
}

export const useStartImport = (appId: string, importId: string) => useImportAction(appId, importId, 'start');
export const useCancelImport = (appId: string, importId: string) => useImportAction(appId, importId, 'cancel');
/** "No" to a preview (docs/imports.md#discard): the import ends, its file and staged rows are deleted. */
export const useDiscardImport = (appId: string, importId: string) => useImportAction(appId, importId, 'discard');
