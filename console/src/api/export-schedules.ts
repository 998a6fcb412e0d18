import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';

/** An export schedule as the API returns it (docs/export-schedules.md). */
export interface ExportSchedule {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  format: string;
  compression: string;
  incremental: boolean;
  destination: { url: string; access_key_id: string | null; secret_set: boolean; secret_readable: boolean } | null;
  next_runs: string[];
  created_at: string;
}

export interface ScheduleInput {
  name: string;
  cron: string;
  timezone: string;
  format: 'csv' | 'jsonl' | 'parquet';
  compression: 'none' | 'gzip';
  incremental: boolean;
  destination: { url: string; access_key_id: string; secret_access_key: string } | null;
}

export interface ScheduleRun {
  export_id: string;
  tick_at: string | null;
  export_status: string;
  row_count: number | null;
  delivery: 'pending' | 'delivered' | 'failed' | 'none';
  destination_prefix: string | null;
  error: string | null;
  created_at: string;
}

const base = (appId: string) => `/apps/${appId}/export-schedules`;

export function useSchedules(appId: string) {
  return useQuery({ queryKey: ['export-schedules', appId], queryFn: ({ signal }) => api<{ results: ExportSchedule[] }>(base(appId), { signal }) });
}

/** A run in progress is polled until its export and delivery settle. */
export function useScheduleRuns(appId: string, scheduleId: string) {
  return useQuery({
    queryKey: ['export-schedules', appId, scheduleId, 'runs'],
    queryFn: ({ signal }) => api<{ results: ScheduleRun[] }>(`${base(appId)}/${scheduleId}/runs`, { signal }),
    refetchInterval: (query) => (query.state.data?.results.some((run) => ['queued', 'running'].includes(run.export_status) || run.delivery === 'pending') ? 2000 : false),
  });
}

function useScheduleMutation<Input, Output>(appId: string, mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['export-schedules', appId] });
    },
  });
}

export const useCreateSchedule = (appId: string) => useScheduleMutation(appId, (input: ScheduleInput) => api<ExportSchedule>(base(appId), { method: 'POST', body: input }));
export const useRunScheduleNow = (appId: string) => useScheduleMutation(appId, (id: string) => api<{ id: string }>(`${base(appId)}/${id}/run`, { method: 'POST' }));
export const useDeleteSchedule = (appId: string) => useScheduleMutation(appId, (id: string) => api<void>(`${base(appId)}/${id}`, { method: 'DELETE' }));
export const useTestDestination = (appId: string) =>
  useMutation({ mutationFn: (id: string) => api<{ ok: boolean; key: string | null; error: string | null }>(`${base(appId)}/${id}/test-destination`, { method: 'POST' }) });
