import { webhookEventTypes } from '../../../../src/shared/webhook-events.ts';

/**
 * What a receiver gets for each event type, thin payload (docs/webhooks.md, "Events"): the body's
 * envelope is the same for all; `seq` only on user events; an import's summary carries the seq range
 * of its users' changes.
 */
const envelope = { event_id: '0f4b6a4e-6c3e-4a59-9d0e-3c1f2f1d9a77', occurred_at: '2026-12-08T09:30:00.000000Z', app_id: 'a6b1c9a2-4d52-4f7e-8f0b-1f6d2c3e4b5a' };
const user = { didit_internal_id: '5d0c2a91-7a1f-4b8e-9c33-2e6f1a0b7c44', vendor_data: 'customer-1042' };
const operator = { type: 'operator', id: 'c3e0a7d4-1b2c-4d5e-8f90-a1b2c3d4e5f6' };
const importCounts = { total_rows: 1000, valid_rows: 998, invalid_rows: 2, created: 900, updated: 98, skipped: 2, failed: 0 };

function userData(type: string): Record<string, unknown> {
  const source = { kind: 'console', id: null };
  switch (type) {
    case 'user.created':
      return { ...user, changed_fields: ['vendor_data', 'status', 'tags'], reason: null, actor: operator, source };
    case 'user.status_changed':
      return { ...user, changed_fields: ['status'], status: { from: 'ACTIVE', to: 'BLOCKED' }, reason: 'chargeback on order 7781', actor: operator, source };
    case 'user.deleted':
      return { ...user, changed_fields: [], reason: null, actor: operator, source };
    case 'user.erased':
      return { ...user, changed_fields: [], reason: null, actor: { type: 'system', id: null }, source };
    default:
      return { ...user, changed_fields: ['tags', 'metadata.plan'], reason: null, actor: { type: 'api_key', id: null }, source: { kind: 'api', id: null } };
  }
}

function appData(type: string): Record<string, unknown> {
  const importId = { import_id: '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e', file_name: 'customers.csv' };
  const exportId = { export_id: '4e5f6a7b-8c9d-4e0f-8a1b-2c3d4e5f6a7b' };
  switch (type) {
    case 'import.completed':
      return { ...importId, mode: 'upsert', ...importCounts, seq_from: 120_001, seq_to: 120_998 };
    case 'import.failed':
      return { ...importId, stage: 'validation', error: { code: 'unreadable_file', message: 'The file could not be read as CSV.' } };
    case 'import.reverted':
      return { ...importId, reverted: 998, deleted: 900, conflicts: 0, seq_from: 121_000, seq_to: 121_997 };
    case 'export.completed':
      return { ...exportId, row_count: 52_310, bytes: 8_204_113, as_of_seq: 121_997, parts: 1 };
    case 'export.failed':
      return { ...exportId, reason: 'The export could not be written.' };
    default:
      return { message: 'A test event from Roster', sent_by: 'owner@example.com' };
  }
}

export function sampleEvent(type: string): Record<string, unknown> {
  if (type.startsWith('user.')) return { type, ...envelope, seq: 120_999, data: userData(type) };
  return { type, ...envelope, data: appData(type) };
}

/** A sample body of each event type, folded away until asked for. */
export function EventSamples() {
  return (
    <details className="card event-samples">
      <summary>Sample events (thin payload)</summary>
      <p className="muted">
        Each POST carries one event as JSON, signed in the webhook-id, webhook-timestamp and webhook-signature headers. The full payload puts the feed's change, with the user, in <code>data</code>.
      </p>
      {[...webhookEventTypes, 'webhook.test'].map((type) => (
        <section key={type} aria-label={`Sample ${type}`}>
          <h3>
            <code>{type}</code>
          </h3>
          <pre className="sample-body">{JSON.stringify(sampleEvent(type), null, 2)}</pre>
        </section>
      ))}
    </details>
  );
}
