import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
      url text NOT NULL,
      events text[] NOT NULL,
      description text NOT NULL DEFAULT '',
      payload text NOT NULL DEFAULT 'thin',
      import_events text NOT NULL DEFAULT 'summary',
      secret_sealed text NOT NULL,
      previous_secret_sealed text,
      previous_secret_until timestamptz,
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      disabled_at timestamptz,
      -- Since when every attempt failed (null after a success): 5 days of it disables the endpoint.
      failing_since timestamptz,
      -- The change feed's seq up to which this endpoint's user events were queued (docs/webhooks.md).
      feed_cursor bigint NOT NULL DEFAULT 0,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    );
    CREATE INDEX webhook_endpoints_app_idx ON webhook_endpoints (app_id) WHERE deleted_at IS NULL;
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      app_id uuid NOT NULL,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      seq bigint,
      -- The user the event is about: one user's events go out in seq order.
      user_id uuid,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending',
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      last_status int,
      last_error text,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (endpoint_id, event_id)
    );
    CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
    CREATE INDEX webhook_deliveries_user_idx ON webhook_deliveries (endpoint_id, user_id, seq) WHERE status IN ('pending', 'sending');
    CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
    CREATE TABLE webhook_attempts (
      id bigserial PRIMARY KEY,
      delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      endpoint_id uuid NOT NULL,
      app_id uuid NOT NULL,
      attempted_at timestamptz NOT NULL DEFAULT now(),
      status_code int,
      duration_ms int NOT NULL,
      response_excerpt text,
      error text
    );
    CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempted_at);
    CREATE INDEX webhook_attempts_time_idx ON webhook_attempts (attempted_at);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
