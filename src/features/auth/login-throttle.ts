/**
 * Counts failed sign-ins per email and IP, in memory: enough to make guessing a password over HTTP
 * hopeless, without a table to clean up. Each process counts on its own (documented in the README).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  static keyFor(email: string, ip: string): string {
    return `${email.trim().toLowerCase()}\u0000${ip}`;
  }

  /** Seconds until another attempt is allowed, or 0 when one is allowed now. */
  retryAfterSeconds(key: string): number {
    const recent = this.recentFailures(key);
    if (recent.length < this.maxFailures) return 0;
    const oldestThatCounts = recent[recent.length - this.maxFailures];
    return Math.max(1, Math.ceil((oldestThatCounts + this.windowMs - this.now()) / 1000));
  }

  recordFailure(key: string): void {
    const recent = this.recentFailures(key);
    recent.push(this.now());
    // Only the newest maxFailures matter for the decision.
    this.failures.set(key, recent.slice(-this.maxFailures));
    if (this.failures.size > 100_000) this.forgetExpired();
  }

  recordSuccess(key: string): void {
    this.failures.delete(key);
  }

  private recentFailures(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const recent = (this.failures.get(key) ?? []).filter((at) => at > cutoff);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }

  private forgetExpired(): void {
    for (const key of [...this.failures.keys()]) this.recentFailures(key);
  }
}
