import { defineOperationKind } from '../../platform/operations/index.ts';
import { type AuditEntry, recordAudit } from '../audit/audit-writer.public.ts';
import type { DeliveryStatus } from './webhooks.tables.ts';

/**
 * A webhook delivery is an operation (docs/operations.md) with its own small cycle: `pending` until a
 * worker leases it, `sending` while one attempt runs, then `delivered`, `pending` again (a retry is due
 * later) or `failed` (given up). `sending → sending` is a lease taken over from a worker that died;
 * a redelivery or a recovery moves an ended delivery back to `pending`. Transitions are not audited one
 * by one: every attempt is in the delivery log (webhook_attempts), kept 30 days.
 */
export const deliveryOperation = defineOperationKind<DeliveryStatus, AuditEntry['actor']>({
  name: 'webhook_delivery',
  table: 'webhook_deliveries',
  transitions: {
    pending: ['sending', 'failed'],
    sending: ['sending', 'pending', 'delivered', 'failed'],
    delivered: ['pending'],
    failed: ['pending'],
  },
  // Not registered with the one sweeper: a delivery waits days by design (retries, a disabled
  // endpoint), and a lost lease is taken over by the next claim (webhook-delivery.ts).
  waiting: ['pending'],
  working: ['sending'],
  failures: ['failed'],
  audit: {
    targetType: 'webhook_delivery',
    actions: {},
    record: async (trx, entry) => void (await recordAudit(trx, entry)),
  },
});
