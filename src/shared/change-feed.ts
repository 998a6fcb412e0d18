/**
 * A change of the change feed as its JSON carries it (docs/change-feed.md), declared once for the
 * server and the console. `User` is the user object's type where the reader has one.
 */
export interface FeedChange<User = Record<string, unknown>> {
  seq: number;
  event_id: string;
  type: string;
  occurred_at: string;
  didit_internal_id: string;
  vendor_data: string;
  changes: Record<string, { from: unknown; to: unknown }>;
  reason: string | null;
  actor: { type: string; id: string | null };
  source: { kind: string; id: string | null };
  /** The user after the change; null when deleted or erased. */
  user: User | null;
}
