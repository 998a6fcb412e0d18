import { useMutation } from '@tanstack/react-query';
import { api } from './client.ts';

export function useChangeOwnPassword() {
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) => api<void>('/me/password', { method: 'POST', body }),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (operatorId: string) => api<{ email: string; expires_at: string }>(`/operators/${operatorId}/password-reset`, { method: 'POST' }),
  });
}

export function useCompletePasswordReset() {
  return useMutation({
    mutationFn: (body: { token: string; new_password: string }) => api<{ email: string }>('/password-resets', { method: 'POST', body }),
  });
}
