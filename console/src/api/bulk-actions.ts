import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import { exportFilters } from './exports.ts';
import type { Actor, ExportJob, UserFilters, UserStatus } from './types.ts';

export type BulkActionKind = 'set_status' | 'add_tag' | 'remove_tag' | 'delete';

export interface BulkAction {
  id: string;
  action: BulkActionKind;
  params: { status?: UserStatus; reason?: string; tag?: string };
  selection: { ids?: number; filters?: Record<string, unknown> };
  status: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  processed: number;
  changed: number;
  created_by: Actor;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}

/** Checked rows, or every user matching the list's filters. */
export type BulkSelection = { ids: string[] } | { filters: UserFilters };

export interface BulkRequest {
  action: BulkActionKind;
  status?: UserStatus;
  reason?: string;
  tag?: string;
}

function selectionBody(selection: BulkSelection) {
  return 'ids' in selection ? { ids: selection.ids } : { filters: exportFilters(selection.filters) };
}

export function useRequestBulkAction(appId: string) {
  return useMutation({
    mutationFn: ({ selection, request }: { selection: BulkSelection; request: BulkRequest }) =>
      api<BulkAction>(`/apps/${appId}/users/bulk-actions`, { method: 'POST', body: { ...request, ...selectionBody(selection) } }),
  });
}

/** Polls a bulk action until it ends, then refreshes the users list once. */
export function useBulkAction(appId: string, id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    enabled: id !== null,
    queryKey: ['bulk-action', appId, id],
    queryFn: async ({ signal }) => {
      const action = await api<BulkAction>(`/apps/${appId}/users/bulk-actions/${id}`, { signal });
      if (action.status === 'completed' || action.status === 'failed') await queryClient.invalidateQueries({ queryKey: ['users', appId] });
      return action;
    },
    refetchInterval: (query) => (query.state.data && (query.state.data.status === 'completed' || query.state.data.status === 'failed') ? false : 700),
  });
}

/** "Export the selection": an ordinary export whose filter is the checked ids, or the list's filters. */
export function useExportSelection(appId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (selection: BulkSelection) =>
      api<ExportJob>(`/apps/${appId}/exports`, { method: 'POST', body: { filters: 'ids' in selection ? { didit_internal_id: selection.ids } : exportFilters(selection.filters) } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['exports', appId] });
    },
  });
}
