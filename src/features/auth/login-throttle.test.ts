import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

function throttleWithClock(maxFailures: number, windowMs: number) {
  const clock = { now: 1_000_000 };
  return { clock, throttle: new LoginThrottle(maxFailures, windowMs, () => clock.now) };
}

describe('the sign-in throttle', () => {
  it('allows attempts until the limit of failures, then asks to wait until the oldest failure ages out', () => {
    const { clock, throttle } = throttleWithClock(3, 60_000);
    const key = LoginThrottle.keyFor('A@Example.com', '10.0.0.1');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(throttle.retryAfterSeconds(key)).toBe(0);
      throttle.recordFailure(key);
      clock.now += 10_000;
    }
    // Failures at 0 s, 10 s and 20 s; now is 30 s: the first ages out at 60 s.
    expect(throttle.retryAfterSeconds(key)).toBe(30);
    clock.now += 30_000;
    expect(throttle.retryAfterSeconds(key)).toBe(0);
  });

  it('counts per email and address, ignoring the email’s case', () => {
    const { throttle } = throttleWithClock(1, 60_000);
    throttle.recordFailure(LoginThrottle.keyFor('a@example.com', '10.0.0.1'));
    expect(throttle.retryAfterSeconds(LoginThrottle.keyFor('A@EXAMPLE.COM', '10.0.0.1'))).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds(LoginThrottle.keyFor('a@example.com', '10.0.0.2'))).toBe(0);
    expect(throttle.retryAfterSeconds(LoginThrottle.keyFor('b@example.com', '10.0.0.1'))).toBe(0);
  });

  it('forgets the failures of a key after a successful sign-in', () => {
    const { throttle } = throttleWithClock(2, 60_000);
    const key = LoginThrottle.keyFor('a@example.com', '10.0.0.1');
    throttle.recordFailure(key);
    throttle.recordSuccess(key);
    throttle.recordFailure(key);
    expect(throttle.retryAfterSeconds(key)).toBe(0);
  });
});
