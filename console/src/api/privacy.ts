import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from './client.ts';
import type { Page } from './types.ts';

/** A subject-access package (docs/privacy.md#subject-access). */
export interface AccessPackage {
  id: string;
  didit_internal_id: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'expired';
  requested_by: { id: string; email: string; name: string };
  created_at: string;
  finished_at: string | null;
  download_url: string | null;
  expires_at: string | null;
  bytes: number | null;
  files: { name: string; bytes: number }[] | null;
  error: string | null;
}

const building = (item: AccessPackage | undefined) => item?.status === 'queued' || item?.status === 'running';

/** The user's latest package; polled while it is being built. */
export function useLatestAccessPackage(appId: string, userId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['access-package', appId, userId],
    queryFn: async ({ signal }) => (await api<Page<AccessPackage>>(`/apps/${appId}/users/${encodeURIComponent(userId)}/access-packages`, { signal })).results[0] ?? null,
    enabled,
    refetchInterval: (query) => (building(query.state.data ?? undefined) ? 1000 : false),
  });
}

export function useRequestAccessPackage(appId: string, userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<AccessPackage>(`/apps/${appId}/users/${encodeURIComponent(userId)}/access-package`, { method: 'POST' }),
    onSuccess: (created) => queryClient.setQueryData(['access-package', appId, userId], created),
  });
}

/** Purposes, sources and controller: the record of processing's inputs (docs/privacy.md#record-of-processing). */
export interface PrivacySettings {
  purposes: string[];
  sources: string[];
  controller: string | null;
  updated_at: string | null;
  updated_by: string | null;
}

export function usePrivacySettings(appId: string) {
  return useQuery({ queryKey: ['privacy-settings', appId], queryFn: ({ signal }) => api<PrivacySettings>(`/apps/${appId}/privacy-settings`, { signal }) });
}

export function useChangePrivacySettings(appId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Pick<PrivacySettings, 'purposes' | 'sources' | 'controller'>>) => api<PrivacySettings>(`/apps/${appId}/privacy-settings`, { method: 'PUT', body }),
    onSuccess: (saved) => queryClient.setQueryData(['privacy-settings', appId], saved),
  });
}

export const processingRecordUrl = (appId: string, format: 'json' | 'html') => apiUrl(`/apps/${appId}/processing-record`, { format });
