import { z } from 'zod';
import { safeString } from '../../platform/validation/safe-text.ts';
import { webhookEventTypes } from './webhook-events.ts';

/** What an endpoint request may hold (docs/webhooks.md); unknown fields are refused. */
const eventType = z.enum(webhookEventTypes as unknown as [string, ...string[]], { message: `must be one of ${webhookEventTypes.join(', ')}` });

const endpointFields = {
  url: safeString({ trim: true, min: 1, max: 2000 }).describe('https URL of the receiver'),
  events: z.array(eventType).min(1, 'name at least one event type').max(webhookEventTypes.length),
  description: safeString({ trim: true, max: 500 }).optional(),
  payload: z.enum(['thin', 'full']).optional().describe('thin (default): ids, changed fields, status move; full: the change with the user'),
  import_events: z.enum(['summary', 'per_user']).optional().describe('summary (default): an import sends its own event with seq_from/seq_to; per_user: each user event too'),
};

export const endpointInputSchema = z.object(endpointFields).strict();
export const endpointPatchSchema = z
  .object({ ...endpointFields, url: endpointFields.url.optional(), events: endpointFields.events.optional(), enabled: z.boolean().optional().describe('true re-enables a disabled endpoint: its waiting events follow, at a bounded rate') })
  .strict();
export type EndpointInput = z.infer<typeof endpointInputSchema>;
export type EndpointPatch = z.infer<typeof endpointPatchSchema>;

export const endpointSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string(),
  payload: z.string(),
  import_events: z.string(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  disabled_at: z.string().nullable(),
  failing_since: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const endpointWithSecretSchema = endpointSchema.extend({ secret: z.string().describe('whsec_…: shown once') });

export const deliveriesQuery = z.object({
  status: z.enum(['pending', 'sending', 'delivered', 'failed']).optional(),
  event_type: safeString({ trim: true, max: 60 }).optional(),
  cursor: safeString({ max: 200 }).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').default(50),
});

export const recoverBody = z.object({ since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z' }) }).strict();

export const deliverySchema = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  seq: z.number().nullable(),
  status: z.string(),
  attempts_made: z.number(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  attempts: z.array(z.object({ attempted_at: z.string(), status_code: z.number().nullable(), duration_ms: z.number(), response_excerpt: z.string().nullable(), error: z.string().nullable() })),
});
