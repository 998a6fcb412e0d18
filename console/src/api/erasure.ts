import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from './client.ts';
import type { Page } from './types.ts';

/** An erasure as GET /api/console/apps/{app}/erasures/{id} answers it (docs/privacy.md#erasure). */
export interface Erasure {
  id: string;
  didit_internal_id: string;
  vendor_data: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  reason: string;
  legal_hold: boolean;
  hold_until: string | null;
  hold_purged_at: string | null;
  requested_by: { id: string; label: string };
  created_at: string;
  finished_at: string | null;
  steps_done: string[];
  error: string | null;
  certificate_url: string | null;
}

const active = (erasure: Erasure | undefined) => erasure?.status === 'queued' || erasure?.status === 'running';

/** The user's erasure, if one was asked for; polled while it runs. */
export function useUserErasure(appId: string, userId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['erasure', appId, userId],
    queryFn: async ({ signal }) => (await api<Page<Erasure>>(`/apps/${appId}/erasures`, { query: { didit_internal_id: userId }, signal })).results[0] ?? null,
    enabled,
    refetchInterval: (query) => (active(query.state.data ?? undefined) ? 1000 : false),
  });
}

export function useRequestErasure(appId: string, userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { reason: string; legal_hold: boolean }) => api<Erasure>(`/apps/${appId}/users/${encodeURIComponent(userId)}/erase`, { method: 'POST', body }),
    onSuccess: async (erasure) => {
      queryClient.setQueryData(['erasure', appId, userId], erasure);
      await queryClient.invalidateQueries({ queryKey: ['users', appId] });
    },
  });
}

/** The printable certificate page (the browser sends the session cookie). */
export const certificatePage = (appId: string, erasureId: string) => apiUrl(`/apps/${appId}/erasures/${erasureId}/certificate`, { format: 'html' });

export const retentionCategories = ['import_files', 'exports', 'faces', 'inactive_users', 'audit', 'change_feed'] as const;
export type RetentionCategory = (typeof retentionCategories)[number];
export interface Retention {
  retention: Record<RetentionCategory, string | null>;
  defaults: Record<RetentionCategory, string | null>;
  overridden: RetentionCategory[];
  next_run_at: string;
  last_run: { at: string; removed: Record<string, number> } | null;
}

export function useRetention(appId: string) {
  return useQuery({ queryKey: ['retention', appId], queryFn: ({ signal }) => api<Retention>(`/apps/${appId}/retention`, { signal }) });
}

export function useChangeRetention(appId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Record<RetentionCategory, string | null>>) => api<Retention>(`/apps/${appId}/retention`, { method: 'PUT', body }),
    onSuccess: (retention) => {
      queryClient.setQueryData(['retention', appId], retention);
      return queryClient.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}
