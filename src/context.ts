import type { Kysely } from 'kysely';
import type { Config } from './config/config.ts';
import { openEmbeddedDatabase } from './db/embedded-postgres.ts';
import { connectDatabase, type DatabaseHandle, migrateToLatest } from './db/database.ts';
import type { Database } from './db/schema.ts';
import { JobQueue } from './platform/jobs/jobs.ts';
import { createMailer, type Mailer } from './platform/mail/index.ts';
import { createStorage, type ObjectStorage } from './platform/storage/storage.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Everything a feature needs at run time; built once per process (and once per test file). */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Kysely<Database>;
  storage: ObjectStorage;
  mailer: Mailer;
  jobs: JobQueue;
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

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

export interface OpenedDatabase {
  handle: DatabaseHandle;
  stopEmbedded(): Promise<void>;
}

/** Connects to DATABASE_URL, or to the embedded server on the data folder (starting it if no one runs it). */
export async function openDatabase(config: Config, options: ContextOptions = {}): Promise<OpenedDatabase> {
  options = { schema: config.ROSTER_DB_SCHEMA, ...options };
  if (config.DATABASE_URL) {
    return { handle: connectDatabase(config.DATABASE_URL, options), stopEmbedded: async () => {} };
  }
  const embedded = await openEmbeddedDatabase(config.dataDir, config.EMBEDDED_PG_PORT, options.log?.info);
  return { handle: connectDatabase(embedded.url, options), stopEmbedded: () => embedded.stop() };
}

export async function createContext(config: Config, database: DatabaseHandle, options: ContextOptions = {}): Promise<AppContext> {
  await migrateToLatest(database);
  const log = options.log ?? consoleLogger;
  const jobs = new JobQueue({
    connectionString: database.url,
    schema: database.schema === 'public' ? 'pgboss' : `${database.schema}_jobs`,
    maintenance: options.maintenance ?? false,
    onError: (error) => log.error(`job queue: ${error.message}`),
  });
  return {
    config,
    database,
    db: database.db,
    storage: createStorage({ storageUrl: config.STORAGE_URL, dataDir: config.dataDir, publicUrl: config.PUBLIC_URL, secret: config.ROSTER_SECRET }),
    mailer: createMailer({ smtpUrl: config.SMTP_URL, dataDir: config.dataDir }),
    jobs,
    log,
  };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.stop().catch(() => {});
  await ctx.mailer.close().catch(() => {});
  await ctx.database.close();
}
