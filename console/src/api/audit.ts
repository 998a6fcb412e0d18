import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import type { AuditEntry, Page } from './types.ts';

export interface AuditFilters {
  action: string;
  actor: string;
  app_id: string;
  since: string;
  until: string;
  /** A user's didit_internal_id: only the reads that showed them ("Who viewed", docs/privacy.md#who-viewed-a-user). */
  viewed: string;
}

export function useAuditLog(filters: AuditFilters, cursor: string | null, enabled = true) {
  return useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: ({ signal }) => api<Page<AuditEntry>>('/audit-logs', { query: { ...filters, cursor, limit: 50 }, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}
