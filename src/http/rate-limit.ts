import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * Per-API-key request limits, reads (GET, HEAD) and writes counted apart, in fixed one-minute windows
 * that start at a key's first request. The counters live in this process's memory: N processes behind a
 * load balancer allow up to N times the limit, and a restart forgets them. That is the price of keeping
 * a database round trip off every request; a shared store can replace `RateLimiter` without touching routes.
 */

export interface RateLimits {
  readsPerMinute: number;
  writesPerMinute: number;
}

interface Window {
  startedAt: number;
  count: number;
}

const WINDOW_MS = 60_000;
// Windows that ended are dropped once the map grows past this, so unused keys cost nothing for long.
const SWEEP_ABOVE = 10_000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the full limit is available again. */
  resetSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `kind` for `subject` and says whether it may proceed; null when that kind is unlimited. */
  take(subject: string, kind: 'read' | 'write'): RateDecision | null {
    const limit = kind === 'read' ? this.limits.readsPerMinute : this.limits.writesPerMinute;
    if (limit <= 0) return null;
    const now = this.now();
    const key = `${kind}:${subject}`;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      if (!window && this.windows.size >= SWEEP_ABOVE) this.sweep(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const resetSeconds = Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - now) / 1000));
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), resetSeconds };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= WINDOW_MS) this.windows.delete(key);
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
    const decision = limiter.take(subject, readMethods.has(request.method) ? 'read' : 'write');
    if (!decision) return;
    reply.header('x-ratelimit-limit', decision.limit);
    reply.header('x-ratelimit-remaining', decision.remaining);
    reply.header('x-ratelimit-reset', decision.resetSeconds);
    if (!decision.allowed) {
      throw new AppError(429, 'rate_limited', `This API key sent more than ${decision.limit} ${readMethods.has(request.method) ? 'reads' : 'writes'} in a minute; retry in ${decision.resetSeconds} s`, undefined, {
        'retry-after': String(decision.resetSeconds),
      });
    }
  };
}
