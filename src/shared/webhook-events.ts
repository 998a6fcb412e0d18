/**
 * The event types a webhook endpoint may subscribe to, declared once for the server and the console
 * (docs/webhooks.md, "Events"): the change feed's five user events and the imports' and exports' own.
 */
export const userEventTypes = ['user.created', 'user.updated', 'user.status_changed', 'user.deleted', 'user.erased'] as const;
export const appEventTypes = ['import.completed', 'import.failed', 'import.reverted', 'export.completed', 'export.failed'] as const;
export const webhookEventTypes = [...userEventTypes, ...appEventTypes] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
