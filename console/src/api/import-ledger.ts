import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from './client.ts';
import type { ImportJob, ImportMode, RevertPreview } from './types.ts';

/** Start options, revert and its dry run (docs/import-ledger.md#revert). */

export interface StartOptions {
  mode: ImportMode;
  reason?: string;
  allow_unblock?: boolean;
}

export const revertConflictsUrl = (appId: string, importId: string) => apiUrl(`/apps/${appId}/imports/${importId}/revert-conflicts.csv`);

function useImportMutation<T>(appId: string, importId: string, send: (options: T) => Promise<ImportJob>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: async (updated) => {
      if (updated?.id) queryClient.setQueryData(['import', appId, importId], updated);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['import', appId, importId] }),
        queryClient.invalidateQueries({ queryKey: ['imports', appId] }),
        queryClient.invalidateQueries({ queryKey: ['import-rows', appId, importId] }),
      ]);
    },
  });
}

export function useStartImportWith(appId: string, importId: string) {
  return useImportMutation(appId, importId, (options: StartOptions) => api<ImportJob>(`/apps/${appId}/imports/${importId}/start`, { method: 'POST', body: options }));
}

export function useRevertImport(appId: string, importId: string) {
  return useImportMutation(appId, importId, () => api<ImportJob>(`/apps/${appId}/imports/${importId}/revert`, { method: 'POST' }));
}

export function useRevertPreview(appId: string, importId: string, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: ['revert-preview', appId, importId],
    queryFn: ({ signal }) => api<RevertPreview>(`/apps/${appId}/imports/${importId}/revert-preview`, { signal }),
  });
}
