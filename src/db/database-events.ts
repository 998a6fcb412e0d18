import pg from 'pg';

type Handler = (payload: string) => void;

/**
 * Cluster-wide events through PostgreSQL LISTEN/NOTIFY, on one dedicated connection per process. It
 * reconnects with backoff after the database goes away; notifications sent meanwhile are lost, so each
 * channel's `onGap` runs on reconnection (a cache then forgets everything it holds).
 */
export class DatabaseEvents {
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, { onEvent: Handler; onGap: () => void }[]>();
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly url: string) {}

  /** Runs `onEvent` for every notification on `channel` from any process. */
  async listen(channel: string, onEvent: Handler, onGap: () => void): Promise<void> {
    const list = this.handlers.get(channel) ?? [];
    list.push({ onEvent, onGap });
    this.handlers.set(channel, list);
    if (this.client) await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
    else await this.connect();
  }

  private connect(): Promise<void> {
    return (this.connecting ??= this.open().finally(() => (this.connecting = undefined)));
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5_000, keepAlive: true });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      for (const { onEvent } of this.handlers.get(message.channel) ?? []) onEvent(message.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      client.end().catch(() => {});
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    // Whatever was sent while no connection listened is unknown: every channel starts afresh.
    if (this.failures > 0) for (const list of this.handlers.values()) for (const { onGap } of list) onGap();
    this.failures = 0;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.failures += 1;
    const delay = Math.min(100 * 2 ** this.failures, 2_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
