import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { ApiKey, ConsoleToken, CreatedApiKey, InvitationSent, Operator, Page, Role } from './types.ts';

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


export const useAddOperator = () =>
  useSettingsMutation((input: { email: string; name?: string; role: Role }) => api<InvitationSent>('/operators', { method: 'POST', body: input }), [['operators'], ['invitations']]);

/** An invitation as GET /api/console/invitations lists it (docs/roles.md#operators). */
export interface Invitation {
  id: string;
  email: string;
  role: Role;
  name: string;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
  invited_by: { id: string; email: string } | null;
  created_at: string;
  expires_at: string;
}

export function useInvitations(enabled = true) {
  return useQuery({ queryKey: ['invitations'], queryFn: ({ signal }) => api<Page<Invitation>>('/invitations', { signal }), enabled });
}

export const useRevokeInvitation = () => useSettingsMutation((id: string) => api<void>(`/invitations/${id}`, { method: 'DELETE' }), [['invitations']]);

export const useChangeOperator = () =>
  useSettingsMutation(
    ({ id, ...change }: { id: string; role?: Role; name?: string }) => api<Operator>(`/operators/${id}`, { method: 'PATCH', body: change }),
    [['operators'], ['me'], ['invitations']],
  );

export const useRemoveOperator = () =>
  useSettingsMutation((id: string) => api<void>(`/operators/${id}`, { method: 'DELETE' }), [['operators'], ['invitations']]);

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
