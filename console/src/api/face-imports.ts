import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl, upload } from './client.ts';
import type { Page } from './types.ts';

/** A bulk faces upload (docs/faces.md): a ZIP processed entry by entry. */
export interface FaceImport {
  id: string;
  app_id: string;
  file_name: string;
  file_bytes: number;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  total: number;
  processed: number;
  added: number;
  skipped: number;
  failed: number;
  created_by: { id: string; email: string; name: string };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: { code: string; message: string } | null;
}

export const faceReportUrl = (appId: string, id: string) => apiUrl(`/apps/${appId}/face-imports/${id}/report.csv`);

export const isFaceImportMoving = (item: FaceImport) => item.status === 'queued' || item.status === 'running';

export function useFaceImports(appId: string, cursor: string | null, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['face-imports', appId, cursor],
    queryFn: ({ signal }) => api<Page<FaceImport>>(`/apps/${appId}/face-imports`, { query: { cursor, page_size: 20 }, signal }),
    placeholderData: keepPreviousData,
    // Progress shows while any face import is moving.
    refetchInterval: (query) => (query.state.data?.results.some(isFaceImportMoving) ? 1000 : false),
  });
}

export function uploadFaceZip(appId: string, file: File, onProgress: (fraction: number) => void): Promise<FaceImport> {
  const form = new FormData();
  form.append('file', file, file.name);
  return upload<FaceImport>(`/apps/${appId}/face-imports`, form, (sent) => onProgress(sent.total ? sent.loaded / sent.total : 0));
}

/** The import roles: a queued face import never starts, a running one stops before its next entry (faces added stay). */
export function useCancelFaceImport(appId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<FaceImport>(`/apps/${appId}/face-imports/${id}/cancel`, { method: 'POST' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['face-imports', appId] });
    },
  });
}
