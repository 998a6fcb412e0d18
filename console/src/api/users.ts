import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { Page, User, UserFilters, UserStatus, UserWithFaces } from './types.ts';

export const PAGE_SIZE = 50;

export function filtersAsQuery(filters: UserFilters) {
  return {
    status: filters.status,
    country: filters.country,
    tags: filters.tags,
    search: filters.search.trim(),
    created_after: filters.created_after,
    created_before: filters.created_before,
  };
}

/** Server-side sort keys of the users list; a leading "-" is descending. */
export type UserSortKey = 'created_at' | 'last_activity_at' | 'vendor_data' | 'name';
export const defaultUserSort = '-created_at';

export function useUsers(appId: string, filters: UserFilters, cursor: string | null, sort: string = defaultUserSort) {
  return useQuery({
    queryKey: ['users', appId, filters, cursor, sort],
    queryFn: ({ signal }) =>
      api<Page<User>>(`/apps/${appId}/users`, {
        query: { ...filtersAsQuery(filters), page_size: PAGE_SIZE, cursor, sort: sort === defaultUserSort ? undefined : sort },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export interface UserCount {
  count: number;
  /** false: PostgreSQL's estimate, shown as "about …". */
  exact: boolean;
}

export function useUsersCount(appId: string, filters: UserFilters) {
  return useQuery({
    queryKey: ['users', appId, 'count', filters],
    queryFn: ({ signal }) => api<UserCount>(`/apps/${appId}/users/count`, { query: filtersAsQuery(filters), signal }),
    placeholderData: keepPreviousData,
  });
}

export function usePatchUser(appId: string, userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: Record<string, unknown>) => api<User>(`/apps/${appId}/users/${encodeURIComponent(userId)}`, { method: 'PATCH', body: changes }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['user', appId, userId] }),
        queryClient.invalidateQueries({ queryKey: ['users', appId] }),
        queryClient.invalidateQueries({ queryKey: ['audit'] }),
      ]);
    },
  });
}

export function useDeleteUser(appId: string, userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ deleted: number }>(`/apps/${appId}/users/${encodeURIComponent(userId)}`, { method: 'DELETE' }),
    // The user's own query is left alone: refetching it now would only find a 404 while the page leaves.
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['users', appId] });
    },
  });
}

/** `enabled: false` once the user is known to be erased (its address then answers 404). */
export function useUser(appId: string, userId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['user', appId, userId],
    queryFn: ({ signal }) => api<UserWithFaces>(`/apps/${appId}/users/${encodeURIComponent(userId)}`, { signal }),
    // Face links are signed and expire; refetching now and then keeps the thumbnails loading. Opening the
    // page again always refetches, so it shows changes made since (through the API, say).
    staleTime: 5 * 60_000,
    refetchOnMount: 'always',
  });
}

export function useChangeUserStatus(appId: string, userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: { status: UserStatus; reason: string }) =>
      api<User>(`/apps/${appId}/users/${encodeURIComponent(userId)}/status`, { method: 'PATCH', body: change }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['user', appId, userId] }),
        queryClient.invalidateQueries({ queryKey: ['users', appId] }),
        queryClient.invalidateQueries({ queryKey: ['audit'] }),
      ]);
    },
  });
}
