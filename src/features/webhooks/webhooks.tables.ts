import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type BigInt = ColumnType<number, number | string | undefined, number | string>;

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface WebhookEndpointsTable {
  id: Generated<string>;
  app_id: string;
  url: string;
  events: string[];
  description: Generated<string>;
  payload: ColumnType<'thin' | 'full', 'thin' | 'full' | undefined, 'thin' | 'full'>;
  import_events: ColumnType<'summary' | 'per_user', 'summary' | 'per_user' | undefined, 'summary' | 'per_user'>;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_until: NullableTimestamp;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  disabled_at: NullableTimestamp;
  failing_since: NullableTimestamp;
  feed_cursor: BigInt;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: NullableTimestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  app_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  seq: ColumnType<number | null, number | string | null | undefined, number | string | null>;
  user_id: string | null;
  body: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: NullableTimestamp;
  last_status: number | null;
  last_error: string | null;
  heartbeat_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  endpoint_id: string;
  app_id: string;
  attempted_at: Generated<Date>;
  status_code: number | null;
  duration_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
