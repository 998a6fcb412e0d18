import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { parseSmtpUrl } from '../platform/mail/index.ts';
import { parseStorageUrl } from '../platform/storage/storage.ts';

/** Parses "24h", "30m", "90s", "7d" or a bare number of seconds into seconds. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+)\s*(s|m|h|d)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = unit === 'd' ? 86_400 : unit === 'h' ? 3_600 : unit === 'm' ? 60 : 1;
  const seconds = Number(match[1]) * factor;
  return seconds > 0 ? seconds : null;
}

/** Parses "256MB", "1GB", "512kb" or a bare number of bytes. */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit === 'gb' ? 1024 ** 3 : unit === 'mb' ? 1024 ** 2 : unit === 'kb' ? 1024 : 1;
  const bytes = Math.floor(Number(match[1]) * factor);
  return bytes > 0 ? bytes : null;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const seconds = parseDuration(value);
      if (seconds === null) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 24h, 30m or 3600` });
        return z.NEVER;
      }
      return seconds;
    });

const byteSize = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const bytes = parseByteSize(value);
      if (bytes === null) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a size like 256MB` });
        return z.NEVER;
      }
      return bytes;
    });

const nonNegativeInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(fallback);

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => {
      if (value === undefined) return true;
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

export const configSchema = z.object({
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  ROSTER_DATA_DIR: z.string().min(1).default('./data'),
  STORAGE_URL: optionalUrl(['s3:']),
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65_535, 'must be a port number').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  ROSTER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  EXPORT_LINK_TTL: duration('24h'),
  /** How long the change feed keeps a change (docs/change-feed.md); an older cursor answers 410 cursor_expired. */
  CHANGE_FEED_RETENTION: duration('90d'),
  /** How long an erasure with legal_hold keeps the held record (docs/privacy.md#legal-hold). */
  LEGAL_HOLD_YEARS: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be 1 or more').max(100).default(5),
  /** Entries an erasure rewrites per transaction (tests make it small to stop an erasure midway). */
  ERASURE_BATCH_ROWS: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be 1 or more').max(100_000).default(1_000),
  IMPORT_MAX_BYTES: byteSize('256MB'),
  /** An export's part stays under this size; a larger export is written as several parts (docs/warehouse.md). */
  EXPORT_PART_BYTES: byteSize('256MB'),
  /** The largest face ZIP accepted (docs/faces.md). */
  FACE_IMPORT_MAX_BYTES: byteSize('4GB'),
  /** Days an import's source file is kept after the import ends. */
  IMPORT_FILE_RETENTION_DAYS: nonNegativeInt(30),
  /** Threads that check a large import's rows; 0 means one per core but one, at most 3 (each costs ~60 MB). */
  IMPORT_VALIDATION_THREADS: nonNegativeInt(0),
  /** Rows an import run applies per transaction (tests make it small to stop a run midway). */
  ROSTER_IMPORT_CHUNK_ROWS: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be 1 or more').max(1_000_000).default(10_000),
  /** Requests per API key per minute; 0 turns the limit off (benchmarks do). */
  RATE_LIMIT_READS_PER_MINUTE: nonNegativeInt(600),
  RATE_LIMIT_WRITES_PER_MINUTE: nonNegativeInt(300),
  /** Port of the embedded PostgreSQL server when DATABASE_URL is unset; unset: 54329, or a free one if that is taken (remembered in the data folder). */
  EMBEDDED_PG_PORT: z.coerce.number({ message: 'must be a port number' }).int().min(1024, 'must be a port number from 1024').max(65_535, 'must be a port number').optional(),
  /** When set, GET /metrics requires `Authorization: Bearer METRICS_TOKEN`. */
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  /** PostgreSQL schema for Roster's tables (tests isolate themselves with it); pg-boss uses `<schema>_jobs`. */
  ROSTER_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,50}$/, 'must be a lower-case SQL identifier')
    .default('public'),
  /**
   * Behind a reverse proxy: how many proxies to trust (`1`, `2`) or which ones (`10.0.0.5,10.1.0.0/16`), so
   * the client address (audit, sign-in throttle) is read from X-Forwarded-For only as far as trusted hops go.
   * `true` means one hop: trusting every hop would let any client forge its address.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((value, context): number | string[] | false => {
      const lower = value.toLowerCase();
      if (lower === '' || lower === 'false' || lower === '0') return false;
      if (lower === 'true') return 1;
      if (/^\d{1,2}$/.test(value)) return Number(value);
      const proxies = value.split(',').map((entry) => entry.trim()).filter(Boolean);
      const bad = proxies.find((entry) => !isAddressOrCidr(entry));
      if (bad !== undefined || proxies.length === 0) {
        context.addIssue({ code: 'custom', message: `must be false, a hop count (e.g. 1) or a comma-separated list of proxy addresses or CIDRs (e.g. 10.0.0.5,10.1.0.0/16); "${bad ?? value}" is none of these` });
        return z.NEVER;
      }
      return proxies;
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Lets export schedules write to a bucket on a loopback or private address (a MinIO beside Roster): docs/export-schedules.md. */
  EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS: flag(),
  /** Lets webhook endpoints use http and loopback or private addresses (a receiver beside Roster): docs/webhooks.md. */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag(),
  /** Also puts reads of users through API keys on record (docs/privacy.md#reads-on-record); operators' reads always are. */
  AUDIT_API_READS: flag(),
});

/** A true/false variable; anything else is a start-up error naming it. */
function flag() {
  return z
    .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1');
}

/** An IPv4 or IPv6 address, optionally with a /prefix length. */
function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<RawConfig, 'PUBLIC_URL' | 'ROSTER_SECRET'> {
  PUBLIC_URL: string;
  ROSTER_SECRET: string;
  /** ROSTER_DATA_DIR made absolute. */
  dataDir: string;
}

export class ConfigError extends Error {}

/** Validates the environment; the error message is one line naming the variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name];
    const shown = value === undefined ? '' : ` (got "${name.includes('SECRET') ? '***' : value}")`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const raw = result.data;
  // URL schemes are checked above; the platform parsers know the rest of each URL's rules.
  checkWith('STORAGE_URL', raw.STORAGE_URL, parseStorageUrl);
  checkWith('SMTP_URL', raw.SMTP_URL, parseSmtpUrl);
  if (raw.STORAGE_URL && raw.EXPORT_LINK_TTL > 7 * 86_400) {
    throw new ConfigError('EXPORT_LINK_TTL: S3 presigned links last at most 7 days (7d)');
  }
  const dataDir = path.resolve(raw.ROSTER_DATA_DIR);
  const hostForLinks = raw.HOST === '0.0.0.0' || raw.HOST === '::' ? 'localhost' : raw.HOST;
  return {
    ...raw,
    dataDir,
    PUBLIC_URL: (raw.PUBLIC_URL ?? `http://${hostForLinks}:${raw.PORT}`).replace(/\/+$/, ''),
    ROSTER_SECRET: raw.ROSTER_SECRET ?? loadOrCreateSecret(dataDir),
  };
}

function checkWith(name: string, value: string | undefined, parse: (value: string) => unknown): void {
  if (value === undefined) return;
  try {
    parse(value);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new ConfigError(message.startsWith(`${name}:`) ? message : `${name}: ${message}`);
  }
}

/** The secret signs sessions and links, so it must survive restarts: keep it in the data folder. */
function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  if (existsSync(file)) {
    // A secret file an older version (or a copy) left readable by others is tightened to 0600.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process starting at the same moment wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}
