import type { Kysely } from 'kysely';
import type { Config } from './config/config.ts';
import { openEmbeddedDatabase } from './db/embedded-postgres.ts';
import { connectDatabase, type DatabaseHandle, migrateToLatest } from './db/database.ts';
import { DatabaseEvents } from './db/database-events.ts';
import { retryWhileDatabaseAway, waitForDatabase } from './db/database-availability.ts';
import type { Database } from './db/schema.ts';
import { JobQueue } from './platform/jobs/jobs.ts';
import { jobRunsIn } from './platform/jobs/job-runs.ts';
import { createMailer, type Mailer } from './platform/mail/index.ts';
import { createStorage, type ObjectStorage } from './platform/storage/storage.ts';

import { jsonLogger, type Logger } from './platform/logging.ts';

export type { Logger } from './platform/logging.ts';

/** Everything a feature needs at run time; built once per process (and once per test file). */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Kysely<Database>;
  storage: ObjectStorage;
  mailer: Mailer;
  jobs: JobQueue;
  /** Cluster-wide events (LISTEN/NOTIFY), e.g. to drop a revoked credential from every process's cache. */
  events: DatabaseEvents;
  log: Logger;
}

export interface ContextOptions {
  /** Tests isolate each file in its own schema; production uses public. */
  schema?: string;
  /** Workers run pg-boss maintenance and cron; API servers only send. */
  maintenance?: boolean;
  log?: Logger;
  maxConnections?: number;
}

export interface OpenedDatabase {
  handle: DatabaseHandle;
  stopEmbedded(): Promise<void>;
  /** On the embedded default: start the server again whenever it dies (long-running processes call this). */
  superviseEmbedded(log: (line: string) => void): void;
}

/** Connects to DATABASE_URL, or to the embedded server on the data folder (starting it if no one runs it). */
export async function openDatabase(config: Config, options: ContextOptions = {}): Promise<OpenedDatabase> {
  options = { schema: config.ROSTER_DB_SCHEMA, ...options };
  if (config.DATABASE_URL) {
    return { handle: connectDatabase(config.DATABASE_URL, options), stopEmbedded: async () => {}, superviseEmbedded: () => {} };
  }
  const embedded = await openEmbeddedDatabase(config.dataDir, config.EMBEDDED_PG_PORT, options.log?.info);
  return { handle: connectDatabase(embedded.url, options), stopEmbedded: () => embedded.stop(), superviseEmbedded: (log) => embedded.supervise(log) };
}

export async function createContext(config: Config, database: DatabaseHandle, options: ContextOptions = {}): Promise<AppContext> {
  const log = options.log ?? jsonLogger(config.LOG_LEVEL);
  // A database still starting (or restarting) is waited for rather than ending start-up.
  await retryWhileDatabaseAway(database, () => migrateToLatest(database), { onWaiting: () => log.warn('waiting for the database to accept connections…') });
  const jobs = new JobQueue({
    connectionString: database.url,
    schema: database.schema === 'public' ? 'pgboss' : `${database.schema}_jobs`,
    maintenance: options.maintenance ?? false,
    onError: throttled((message) => log.warn(`job queue: ${message}`)),
    log: (message) => log.warn(message),
    runs: jobRunsIn(database.db),
    waitForDatabase: (signal) =>
      waitForDatabase(database, { signal, onBack: (waitedMs) => log.info(`the database is back after ${Math.round(waitedMs / 1000)} s`) }),
  });
  return {
    config,
    database,
    db: database.db,
    storage: createStorage({ storageUrl: config.STORAGE_URL, dataDir: config.dataDir, publicUrl: config.PUBLIC_URL, secret: config.ROSTER_SECRET }),
    mailer: createMailer({ smtpUrl: config.SMTP_URL, dataDir: config.dataDir }),
    jobs,
    events: new DatabaseEvents(database.url),
    log,
  };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.stop().catch(() => {});
  await ctx.events.stop();
  await ctx.mailer.close().catch(() => {});
  await ctx.database.close();
}

/** During an outage every queue's poll fails each half second: one line per 10 s says as much. */
function throttled(write: (message: string) => void, everyMs = 10_000): (error: Error) => void {
  let lastAt = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastAt < everyMs) {
      suppressed += 1;
      return;
    }
    write(suppressed > 0 ? `${error.message} (and ${suppressed} more errors in the last ${Math.round((now - lastAt) / 1000)} s)` : error.message);
    lastAt = now;
    suppressed = 0;
  };
}
