import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from './errors.ts';

/**
 * Per-API-key request limits, reads (GET, HEAD) and writes counted apart, in one-minute windows aligned
 * to the clock, shared by every process through PostgreSQL. A process does not ask the database per
 * request: it leases a slice of the window's budget at a time (a few percent of the limit) and spends it
 * locally. The database never grants past the limit, so the limit is never exceeded across processes;
 * at worst a slice leased by a process that then goes quiet is not used by the others (N processes leave
 * at most N slices unused).
 */

export interface RateLimits {
  readsPerMinute: number;
  writesPerMinute: number;
}

export const WINDOW_MS = 60_000;
// Window states that ended are dropped once the map grows past this.
const SWEEP_ABOVE = 10_000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the full limit is available again. */
  resetSeconds: number;
}

/** Where windows' budgets are kept; every process of a deployment must share one. */
export interface BudgetStore {
  /** Grants up to `want` more requests of the window, never past `limit`: the grant, and the window's total granted after it. */
  lease(subject: string, kind: string, windowStart: number, want: number, limit: number): Promise<{ granted: number; used: number }>;
}

/** One process's budgets (tests, and a single-process deployment without a database at hand). */
export class MemoryBudgetStore implements BudgetStore {
  private readonly used = new Map<string, number>();

  async lease(subject: string, kind: string, windowStart: number, want: number, limit: number) {
    const key = `${kind}:${subject}:${windowStart}`;
    const before = this.used.get(key) ?? 0;
    const granted = Math.max(0, Math.min(want, limit - before));
    this.used.set(key, before + granted);
    return { granted, used: before + granted };
  }
}

/** Budgets in the rate_limit_budgets table (unlogged: a database crash only forgets the current minute). */
export class PostgresBudgetStore implements BudgetStore {
  private leases = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async lease(subject: string, kind: string, windowStart: number, want: number, limit: number) {
    const window = new Date(windowStart);
    await sql`INSERT INTO rate_limit_budgets (subject, kind, window_start, used) VALUES (${subject}, ${kind}, ${window}, 0) ON CONFLICT DO NOTHING`.execute(this.db);
    // The sub-select locks the row and reads what was granted before this lease.
    const granted = await sql<{ before: number; used: number }>`
      UPDATE rate_limit_budgets b SET used = b.used + LEAST(${want}::int, ${limit}::int - b.used)
        FROM (SELECT used AS before FROM rate_limit_budgets WHERE subject = ${subject} AND kind = ${kind} AND window_start = ${window} FOR UPDATE) prior
       WHERE b.subject = ${subject} AND b.kind = ${kind} AND b.window_start = ${window}
       RETURNING prior.before, b.used`.execute(this.db);
    const row = granted.rows[0];
    // Ended windows are of no use: clear them now and then.
    if (++this.leases % 200 === 0) {
      await sql`DELETE FROM rate_limit_budgets WHERE window_start < ${new Date(windowStart - 5 * WINDOW_MS)}`.execute(this.db);
    }
    if (!row) return { granted: 0, used: limit };
    return { granted: Math.max(0, row.used - row.before), used: row.used };
  }
}

interface WindowState {
  windowStart: number;
  /** Granted to this process so far in the window. */
  leased: number;
  /** Spent by this process in the window. */
  spent: number;
  /** The window's total granted to every process, as last heard from the store. */
  usedEverywhere: number;
  exhausted: boolean;
  leasing?: Promise<void>;
}

export class RateLimiter {
  private readonly windows = new Map<string, WindowState>();

  constructor(
    private readonly limits: RateLimits,
    private readonly store: BudgetStore = new MemoryBudgetStore(),
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `kind` for `subject` and says whether it may proceed; null when that kind is unlimited. */
  async take(subject: string, kind: 'read' | 'write'): Promise<RateDecision | null> {
    const limit = kind === 'read' ? this.limits.readsPerMinute : this.limits.writesPerMinute;
    if (limit <= 0) return null;
    const key = `${kind}:${subject}`;
    for (;;) {
      const now = this.now();
      const windowStart = Math.floor(now / WINDOW_MS) * WINDOW_MS;
      let state = this.windows.get(key);
      if (!state || state.windowStart !== windowStart) {
        if (!state && this.windows.size >= SWEEP_ABOVE) this.sweep(windowStart);
        state = { windowStart, leased: 0, spent: 0, usedEverywhere: 0, exhausted: false };
        this.windows.set(key, state);
      }
      const resetSeconds = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
      if (state.spent < state.leased) {
        state.spent += 1;
        const remaining = Math.max(0, limit - state.usedEverywhere + (state.leased - state.spent));
        return { allowed: true, limit, remaining, resetSeconds };
      }
      if (state.exhausted) return { allowed: false, limit, remaining: 0, resetSeconds };
      // Concurrent requests of this process wait for one lease rather than each asking the store.
      state.leasing ??= this.lease(subject, kind, state, limit);
      await state.leasing;
    }
  }

  private async lease(subject: string, kind: string, state: WindowState, limit: number): Promise<void> {
    try {
      const slice = Math.max(1, Math.min(50, Math.ceil(limit * 0.02)));
      const { granted, used } = await this.store.lease(subject, kind, state.windowStart, slice, limit);
      state.leased += granted;
      state.usedEverywhere = used;
      if (granted === 0) state.exhausted = true;
    } finally {
      state.leasing = undefined;
    }
  }

  private sweep(currentWindow: number): void {
    for (const [key, state] of this.windows) {
      if (state.windowStart !== currentWindow) this.windows.delete(key);
    }
  }
}

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * onRequest hook for routes authenticated by an API key (it must run after requireApiKey): sets the
 * X-RateLimit-* headers on every response and answers 429 with Retry-After beyond the limit.
 */
export function rateLimitByApiKey(limiter: RateLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const subject = request.apiKey?.keyId;
    if (!subject) return;
    const decision = await limiter.take(subject, readMethods.has(request.method) ? 'read' : 'write');
    if (!decision) return;
    reply.header('x-ratelimit-limit', decision.limit);
    reply.header('x-ratelimit-remaining', decision.remaining);
    reply.header('x-ratelimit-reset', decision.resetSeconds);
    if (!decision.allowed) {
      throw new AppError('rate_limited', `This API key sent more than ${decision.limit} ${readMethods.has(request.method) ? 'reads' : 'writes'} in a minute; retry in ${decision.resetSeconds} s`, undefined, {
        'retry-after': String(decision.resetSeconds),
      });
    }
  };
}
