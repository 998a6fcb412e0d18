import { verify as argon2Verify } from '@node-rs/argon2';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../http/errors.ts';
import type { PasswordCheckGate } from './password-check-gate.ts';
import { cancelSignInAttempt, releaseSignInAttempt, reserveSignInAttempt } from './sign-in-throttle.ts';
import { hashPassword } from './tenancy.service.ts';

/**
 * One guess at an operator's password, made the one way every route makes it (sign-in, a password change,
 * see docs/security.md): first the shared counters of sign-in-throttle.ts (past a limit, 429 at once, no
 * hash checked), then a place at the process's argon2 gate (503 when full), then the check itself. A wrong
 * guess keeps its reservation (it counts as a failure); a right one gives it back. Without this a signed-in
 * caller could guess the current password through the change route as fast as argon2 runs, and tie up
 * the thread pool that file reads share.
 */

let dummyHash: Promise<string> | undefined;

/** Verifies against a hash no one knows when there is none, so a missing password costs as long as a wrong one. */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await (dummyHash ??= hashPassword('no operator has this password')));
  try {
    const matches = await argon2Verify(target, password);
    return matches && Boolean(hash);
  } catch {
    return false;
  }
}

export const tooManyAttempts = (retryAfter: number) =>
  new AppError('too_many_attempts', `Too many failed password attempts; try again in ${retryAfter} seconds`, undefined, { 'retry-after': String(retryAfter) });

/** Runs the hash inside the gate's bound; the only way an attempt may call argon2. */
export type GatedCheck = <T>(check: () => Promise<T>) => Promise<T>;

/**
 * Counts an attempt on `email` from `ip`, admits it to `gate`, and runs `attempt` with the gated check.
 * `attempt` throws when the password is wrong (the failure stays counted) and returns when it is right.
 */
export async function throttledPasswordAttempt<T>(ctx: AppContext, gate: PasswordCheckGate, who: { email: string; ip: string }, attempt: (check: GatedCheck) => Promise<T>): Promise<T> {
  const reservation = await reserveSignInAttempt(ctx.db, who.email, who.ip);
  if (!reservation.ok) throw tooManyAttempts(reservation.retryAfterSeconds);
  let ticket: ReturnType<PasswordCheckGate['admit']>;
  try {
    ticket = gate.admit();
  } catch (busy) {
    // Refused unchecked (503): it was no failure, so it gives its place back.
    await cancelSignInAttempt(ctx.db, reservation.keys);
    throw busy;
  }
  try {
    const result = await attempt(ticket.run);
    await releaseSignInAttempt(ctx.db, reservation.keys);
    return result;
  } finally {
    ticket.leave();
  }
}
