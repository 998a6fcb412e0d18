import { AppError } from '../../http/errors.ts';

/**
 * A bound on argon2 checks in this process. argon2 runs on libuv's thread pool (4 threads), the same
 * pool file reads use: left unbounded, a flood of sign-ins made a signed face download 600 times slower.
 * At most `maxRunning` checks run at once and `maxWaiting` wait; beyond that a sign-in (or a password change) answers 503 with
 * Retry-After at once, before any counting or hashing. Per process on purpose: the pool is per process.
 */
export class PasswordCheckGate {
  private admitted = 0;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** The most checks that ran at once (tests and /metrics-style diagnostics read it). */
  peakRunning = 0;
  /** How many checks this gate has started in all: tests count argon2 work with it, not with a clock. */
  checksStarted = 0;

  constructor(
    readonly maxRunning = 2,
    readonly maxWaiting = 16,
  ) {}

  /** Takes a place in line or throws 503; call `leave` exactly once when the sign-in is over. */
  admit(): { run<T>(check: () => Promise<T>): Promise<T>; leave(): void } {
    if (this.admitted >= this.maxRunning + this.maxWaiting) {
      throw new AppError('sign_in_busy', 'Too many passwords are being checked right now; try again in a second', undefined, { 'retry-after': '1' });
    }
    this.admitted += 1;
    let left = false;
    return {
      run: (check) => this.runBounded(check),
      leave: () => {
        if (left) return;
        left = true;
        this.admitted -= 1;
      },
    };
  }

  private async runBounded<T>(check: () => Promise<T>): Promise<T> {
    // A finishing check hands its slot straight to the next in line, so none can slip in between.
    if (this.running >= this.maxRunning) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running += 1;
    this.peakRunning = Math.max(this.peakRunning, this.running);
    this.checksStarted += 1;
    try {
      return await check();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** The process's one gate: the thread pool it protects is the process's, whatever number of app instances it runs. */
export const passwordCheckGate = new PasswordCheckGate();
