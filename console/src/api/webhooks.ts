import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';

/** A webhook endpoint as the API returns it (docs/webhooks.md). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string;
  payload: string;
  import_events: string;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  failing_since: string | null;
  created_at: string;
}

/** Creating an endpoint or rotating its secret: the only answers that carry the secret. */
export type WebhookEndpointWithSecret = WebhookEndpoint & { secret: string };

export interface EndpointInput {
  url: string;
  events: string[];
  payload: 'thin' | 'full';
  import_events: 'summary' | 'per_user';
}

export interface WebhookDelivery {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts_made: number;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
  attempts: { attempted_at: string; status_code: number | null; duration_ms: number; response_excerpt: string | null; error: string | null }[];
}

export const deliveryStatuses = ['pending', 'sending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

const base = (appId: string) => `/apps/${appId}/webhooks`;

export function useWebhookEndpoints(appId: string) {
  return useQuery({ queryKey: ['webhooks', appId], queryFn: ({ signal }) => api<{ results: WebhookEndpoint[] }>(base(appId), { signal }) });
}

/**
 * The log a page at a time (newest first, filtered by status and event type), polled while a delivery
 * it shows waits or is being sent, so a test or a redelivery shows its outcome.
 */
export function useDeliveries(appId: string, endpointId: string, filters: { status: DeliveryStatus | ''; eventType: string }) {
  return useInfiniteQuery({
    queryKey: ['webhooks', appId, endpointId, 'deliveries', filters.status, filters.eventType],
    queryFn: ({ pageParam, signal }) =>
      api<{ results: WebhookDelivery[]; next: string | null }>(`${base(appId)}/${endpointId}/deliveries`, { query: { status: filters.status, event_type: filters.eventType, limit: 20, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.results.some((delivery) => delivery.status === 'pending' || delivery.status === 'sending')) ? 2000 : false),
  });
}

function useWebhookMutation<Input, Output>(appId: string, mutationFn: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['webhooks', appId] });
    },
  });
}

export const useCreateEndpoint = (appId: string) => useWebhookMutation(appId, (input: EndpointInput) => api<WebhookEndpointWithSecret>(base(appId), { method: 'POST', body: input }));
export const useChangeEndpoint = (appId: string) =>
  useWebhookMutation(appId, ({ id, enabled }: { id: string; enabled: boolean }) => api<WebhookEndpoint>(`${base(appId)}/${id}`, { method: 'PATCH', body: { enabled } }));
export const useDeleteEndpoint = (appId: string) => useWebhookMutation(appId, (id: string) => api<void>(`${base(appId)}/${id}`, { method: 'DELETE' }));
export const useRotateSecret = (appId: string) => useWebhookMutation(appId, (id: string) => api<WebhookEndpointWithSecret>(`${base(appId)}/${id}/rotate-secret`, { method: 'POST' }));
export const useSendTest = (appId: string) => useWebhookMutation(appId, (id: string) => api<{ delivery_id: string }>(`${base(appId)}/${id}/test`, { method: 'POST' }));
export const useRedeliver = (appId: string, endpointId: string) =>
  useWebhookMutation(appId, (deliveryId: string) => api<{ queued: boolean }>(`${base(appId)}/${endpointId}/deliveries/${deliveryId}/redeliver`, { method: 'POST' }));
export const useRecoverSince = (appId: string, endpointId: string) =>
  useWebhookMutation(appId, (since: string) => api<{ recovered: number }>(`${base(appId)}/${endpointId}/recover`, { method: 'POST', body: { since } }));
