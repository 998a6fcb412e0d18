import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * The sign-in throttle, kept in PostgreSQL so every `roster serve` process counts the same attempts.
 *
 * An attempt is reserved (counted as a failure) before the password is checked and released when it
 * succeeds, so 300 concurrent guesses cannot all pass a check that only counts finished failures.
 * Three counters: per email and address (a person mistyping), per address whatever the email (one
 * machine trying many accounts), and per email from any address (a spread-out guess at one account).
 * Past a counter's limit the next attempt waits, and each further failure doubles the wait up to a
 * cap: a Retry-After that grows, not a fixed lock. The per-email counter does not apply to an address
 * the operator signed in from in the last 30 days, so a flood elsewhere cannot lock them out.
 */

export interface ThrottleRule {
  /** Attempts allowed before the first wait. */
  limit: number;
  /** The first wait; each further failure doubles it. */
  baseSeconds: number;
  maxSeconds: number;
}

export const signInRules = {
  emailAndAddress: { limit: 10, baseSeconds: 60, maxSeconds: 3600 },
  address: { limit: 30, baseSeconds: 60, maxSeconds: 3600 },
  email: { limit: 50, baseSeconds: 30, maxSeconds: 900 },
} as const satisfies Record<string, ThrottleRule>;

/** A counter is forgotten after this long without attempts once its wait is over. */
const IDLE_RESET_MS = 15 * 60 * 1000;
/** An address stays "known" for an email this long after a successful sign-in from it. */
const KNOWN_ADDRESS_MS = 30 * 24 * 3600 * 1000;
const SWEEP_EVERY_MS = 3600 * 1000;

export function signInKeys(email: string, ip: string) {
  const normalized = email.trim().toLowerCase();
  return {
    emailAndAddress: `ea:${normalized}\n${ip}`,
    address: `a:${ip}`,
    email: `e:${normalized}`,
    known: `k:${normalized}\n${ip}`,
  };
}

export type SignInKeys = ReturnType<typeof signInKeys>;

export type Reservation = { ok: true; keys: SignInKeys } | { ok: false; retryAfterSeconds: number };

/** The wait after the `failures`-th failure of a counter, in seconds (0 below the limit). */
export function waitAfter(rule: ThrottleRule, failures: number): number {
  if (failures < rule.limit) return 0;
  return Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** Math.min(failures - rule.limit, 20));
}

interface CounterRow {
  key: string;
  failures: number;
  blocked_until: Date | null;
  updated_at: Date;
  now: Date;
}

/**
 * Counts one attempt on every counter, or none when any counter makes the caller wait: one transaction,
 * rows locked in key order, so concurrent attempts (in any process) see each other's reservations.
 */
export async function reserveSignInAttempt(db: Kysely<Database>, email: string, ip: string): Promise<Reservation> {
  const keys = signInKeys(email, ip);
  return db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom('sign_in_throttles')
      .select('key')
      .where('key', '=', keys.known)
      .where('updated_at', '>', sql<Date>`now() - ${sql.raw(`interval '${KNOWN_ADDRESS_MS / 1000} seconds'`)}`)
      .executeTakeFirst();
    const counters: [string, ThrottleRule][] = [
      [keys.emailAndAddress, signInRules.emailAndAddress],
      [keys.address, signInRules.address],
      ...(known ? [] : [[keys.email, signInRules.email] as [string, ThrottleRule]]),
    ];
    counters.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const names = counters.map(([key]) => key);
    await sql`INSERT INTO sign_in_throttles (key) SELECT unnest(${names}::text[]) ORDER BY 1 ON CONFLICT (key) DO NOTHING`.execute(trx);
    const { rows } = await sql<CounterRow>`
      SELECT key, failures, blocked_until, updated_at, now() AS now FROM sign_in_throttles
       WHERE key = ANY(${names}::text[]) ORDER BY key FOR UPDATE`.execute(trx);

    const next: { key: string; failures: number; blockedUntil: Date | null }[] = [];
    let retryAfterSeconds = 0;
    for (const row of rows) {
      const rule = counters.find(([key]) => key === row.key)![1];
      const now = row.now.getTime();
      const quietSince = Math.max(row.updated_at.getTime(), row.blocked_until?.getTime() ?? 0);
      const failures = quietSince < now - IDLE_RESET_MS ? 0 : row.failures;
      if (row.blocked_until && row.blocked_until.getTime() > now) {
        retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((row.blocked_until.getTime() - now) / 1000));
        continue;
      }
      // Reserved as if it will fail: the next attempt already waits if this one reaches the limit.
      const wait = waitAfter(rule, failures + 1);
      next.push({ key: row.key, failures: failures + 1, blockedUntil: wait > 0 ? new Date(now + wait * 1000) : null });
    }
    if (retryAfterSeconds > 0) return { ok: false as const, retryAfterSeconds };
    await sql`
      UPDATE sign_in_throttles t SET failures = n.failures, blocked_until = n.blocked_until, updated_at = now(),
             window_started_at = CASE WHEN n.failures = 1 THEN now() ELSE t.window_started_at END
        FROM unnest(${next.map((n) => n.key)}::text[], ${next.map((n) => n.failures)}::int[], ${next.map((n) => n.blockedUntil)}::timestamptz[])
             AS n(key, failures, blocked_until)
       WHERE t.key = n.key`.execute(trx);
    return { ok: true as const, keys };
  });
}

/** Gives back one reserved attempt on the counters named (the limit decides whether their wait stays). */
async function giveBack(trx: Kysely<Database>, counters: [string, ThrottleRule][]): Promise<void> {
  for (const [key, rule] of counters) {
    await sql`
      UPDATE sign_in_throttles SET failures = greatest(failures - 1, 0), updated_at = now(),
             blocked_until = CASE WHEN failures - 1 >= ${rule.limit} THEN blocked_until END
       WHERE key = ${key}`.execute(trx);
  }
}

/**
 * The attempt succeeded: it was not a failure after all. The email-and-address counter starts over,
 * the shared counters give back the one attempt, and the address becomes known for the email.
 */
export async function releaseSignInAttempt(db: Kysely<Database>, keys: SignInKeys): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Rows are locked in key order (a: < e: < ea: < k:), as reserveSignInAttempt locks them: no deadlock.
    await giveBack(trx, [[keys.address, signInRules.address], [keys.email, signInRules.email]]);
    await trx.deleteFrom('sign_in_throttles').where('key', '=', keys.emailAndAddress).execute();
    await sql`INSERT INTO sign_in_throttles (key) VALUES (${keys.known}) ON CONFLICT (key) DO UPDATE SET updated_at = now()`.execute(trx);
  });
  await sweepOldCounters(db);
}

/** The attempt was refused before its password was checked (the process was busy): it counts for nothing. */
export async function cancelSignInAttempt(db: Kysely<Database>, keys: SignInKeys): Promise<void> {
  await db.transaction().execute((trx) =>
    giveBack(trx, [[keys.address, signInRules.address], [keys.email, signInRules.email], [keys.emailAndAddress, signInRules.emailAndAddress]].sort(([a], [b]) => (a < b ? -1 : 1)) as [string, ThrottleRule][]),
  );
}

let lastSweep = 0;

/** Counters idle for longer than an address stays known are dead rows; one process an hour clears them. */
async function sweepOldCounters(db: Kysely<Database>): Promise<void> {
  if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = Date.now();
  await sql`DELETE FROM sign_in_throttles WHERE greatest(updated_at, coalesce(blocked_until, updated_at)) < now() - ${sql.raw(`interval '${KNOWN_ADDRESS_MS / 1000} seconds'`)}`.execute(db);
}
