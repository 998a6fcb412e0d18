import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { ApiKey, ConsoleToken, CreatedApiKey, Operator, Page, Role } from './types.ts';

export function useOperators(enabled = true) {
  return useQuery({ queryKey: ['operators'], queryFn: ({ signal }) => api<Page<Operator>>('/operators', { signal }), enabled });
}

function useSettingsMutation<Input, Output>(mutationFn: (input: Input) => Promise<Output>, keys: readonly (readonly unknown[])[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([...keys, ['audit']].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });
}

/** Adding a member sends an invitation; the answer never says whether the address already has an account. */
export interface InvitationSent {
  status: 'invitation_sent';
  email: string;
  role: Role;
  expires_at: string;
  message: string;
}

export const useAddOperator = () =>
  useSettingsMutation((input: { email: string; name?: string; role: Role }) => api<InvitationSent>('/operators', { method: 'POST', body: input }), [['operators']]);

export const useChangeOperator = () =>
  useSettingsMutation(
    ({ id, ...change }: { id: string; role?: Role; name?: string }) => api<Operator>(`/operators/${id}`, { method: 'PATCH', body: change }),
    [['operators'], ['me']],
  );

export const useRemoveOperator = () =>
  useSettingsMutation((id: string) => api<void>(`/operators/${id}`, { method: 'DELETE' }), [['operators']]);

export function useApiKeys(appId: string, enabled = true) {
  return useQuery({ queryKey: ['api-keys', appId], queryFn: ({ signal }) => api<Page<ApiKey>>(`/apps/${appId}/api-keys`, { signal }), enabled });
}

export const useCreateApiKey = (appId: string) =>
  useSettingsMutation((name: string) => api<CreatedApiKey>(`/apps/${appId}/api-keys`, { method: 'POST', body: { name } }), [['api-keys', appId]]);

export const useRevokeApiKey = (appId: string) =>
  useSettingsMutation((id: string) => api<void>(`/apps/${appId}/api-keys/${id}`, { method: 'DELETE' }), [['api-keys', appId]]);

export function useConsoleTokens() {
  return useQuery({ queryKey: ['tokens'], queryFn: ({ signal }) => api<Page<ConsoleToken>>('/tokens', { signal }) });
}

export const useCreateConsoleToken = () =>
  useSettingsMutation((name: string) => api<ConsoleToken & { token: string }>('/tokens', { method: 'POST', body: { name } }), [['tokens']]);

export const useRevokeConsoleToken = () =>
  useSettingsMutation((id: string) => api<void>(`/tokens/${id}`, { method: 'DELETE' }), [['tokens']]);
