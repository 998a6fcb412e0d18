import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Wakes the webhook deliverers (docs/webhooks.md, "Delivery") at the commit of a change they have to
  // send, instead of leaving it to their next poll: a NOTIFY is delivered only once its transaction
  // commits, and never for one rolled back. A change notifies only if its application has an enabled
  // endpoint (an index lookup per writing transaction): 'change', the feed has more to queue. A queued
  // delivery always notifies: 'queued' (an import's or export's event, a test event, and the feed's
  // changes queued by one worker, for the others to lease).
  await sql`
    CREATE FUNCTION webhooks_wake_on_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE app_id = NEW.app_id AND deleted_at IS NULL AND enabled) THEN
        PERFORM pg_notify('roster_webhooks', 'change');
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER webhooks_wake_on_change AFTER INSERT OR UPDATE OF last_seq ON app_change_counters
      FOR EACH ROW EXECUTE FUNCTION webhooks_wake_on_change();
    CREATE FUNCTION webhooks_wake_on_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('roster_webhooks', 'queued');
      RETURN NULL;
    END $$;
    CREATE TRIGGER webhooks_wake_on_delivery AFTER INSERT ON webhook_deliveries
      FOR EACH STATEMENT EXECUTE FUNCTION webhooks_wake_on_delivery();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
