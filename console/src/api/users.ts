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

export function useUsers(appId: string, filters: UserFilters, cursor: string | null) {
  return useQuery({
    queryKey: ['users', appId, filters, cursor],
    queryFn: ({ signal }) =>
      api<Page<User>>(`/apps/${appId}/users`, { query: { ...filtersAsQuery(filters), page_size: PAGE_SIZE, cursor }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useUser(appId: string, userId: string) {
  return useQuery({
    queryKey: ['user', appId, userId],
    queryFn: ({ signal }) => api<UserWithFaces>(`/apps/${appId}/users/${encodeURIComponent(userId)}`, { signal }),
    // Face links are signed and expire; refetching now and then keeps the thumbnails loading.
    staleTime: 5 * 60_000,
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
