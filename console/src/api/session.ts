import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { Me, OperatorSummary, Organization } from './types.ts';

/**
 * The session cookie is HttpOnly, so the console cannot see it. It remembers instead that it
 * signed in, and asks /me only then: a fresh browser shows the sign-in page without a 401.
 */
const SIGNED_IN_HINT = 'roster.signed-in';

export function hasSignedInHint(): boolean {
  return localStorage.getItem(SIGNED_IN_HINT) === '1';
}

export const SESSION_EVENT = 'roster:session';

/** Records whether we are signed in and tells the session provider (same tab) about it. */
export function announceSession(signedIn: boolean): void {
  if (signedIn) localStorage.setItem(SIGNED_IN_HINT, '1');
  else localStorage.removeItem(SIGNED_IN_HINT);
  window.dispatchEvent(new Event(SESSION_EVENT));
}

export const meKey = ['me'] as const;

export function useMe(enabled: boolean) {
  return useQuery({ queryKey: meKey, queryFn: ({ signal }) => api<Me>('/me', { signal }), enabled, retry: false, staleTime: 60_000 });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      api<{ operator: OperatorSummary; organization: Organization }>('/session', { method: 'POST', body: credentials }),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: meKey });
      announceSession(true);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/session', { method: 'DELETE' }),
    onSettled: () => {
      announceSession(false);
      queryClient.clear();
    },
  });
}
