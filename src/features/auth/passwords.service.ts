import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { forbidden, invalid, notFound } from '../../http/errors.ts';
import { recordAudit, systemActor } from '../audit/audit-writer.public.ts';
import { hashSecret } from './credentials.ts';
import { endOperatorCredentials } from './operators.repository.ts';
import { throttledPasswordAttempt, verifyPassword } from './password-attempt.ts';
import type { PasswordCheckGate } from './password-check-gate.ts';
import type { OperatorPrincipal } from './principal.ts';
import { hashPassword, type RequestMeta } from './tenancy.service.ts';

/** How long a reset link works: long enough to find the mail, short enough that an old inbox is no key. */
export const RESET_LINK_HOURS = 24;
export const MIN_PASSWORD_CHARS = 10;

function checkNewPassword(password: string, field = 'new_password'): void {
  if (password.length < MIN_PASSWORD_CHARS) {
    throw invalid('weak_password', `The new password needs at least ${MIN_PASSWORD_CHARS} characters`, [{ field, code: 'weak_password', message: `at least ${MIN_PASSWORD_CHARS} characters` }]);
  }
  if (password.length > 1024) throw invalid('weak_password', 'The new password is longer than 1,024 characters');
}

async function setPassword(trx: AppContext['db'], operatorId: string, password: string): Promise<void> {
  await trx.updateTable('operators').set({ password_hash: await hashPassword(password), updated_at: sql`now()` }).where('id', '=', operatorId).execute();
}

/**
 * Changes the caller's own password after checking the current one, through the same throttle and argon2
 * gate as sign-in (password-attempt.ts): a wrong current password counts as a failed sign-in. Every console
 * token and every other session ends (a stolen credential does not outlive the change); the session making
 * the change goes on.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  gate: PasswordCheckGate,
  actor: OperatorPrincipal,
  input: { current_password: string; new_password: string },
  meta: { ip: string; sessionTokenHash?: Buffer },
): Promise<void> {
  // Checked before the attempt is counted: a weak new password is no guess at the current one.
  checkNewPassword(input.new_password);
  if (input.new_password === input.current_password) throw invalid('same_password', 'The new password is the current one');
  await throttledPasswordAttempt(ctx, gate, { email: actor.email, ip: meta.ip }, async (check) => {
    const row = await ctx.db.selectFrom('operators').select(['password_hash']).where('id', '=', actor.operatorId).where('removed_at', 'is', null).executeTakeFirst();
    if (!(await check(() => verifyPassword(row?.password_hash, input.current_password)))) throw forbidden('wrong_password', 'The current password is wrong; nothing changed');
  });
  await ctx.db.transaction().execute(async (trx) => {
    await setPassword(trx, actor.operatorId, input.new_password);
    const ended = await endOperatorCredentials(trx, actor.operatorId, { keepSessionHash: meta.sessionTokenHash });
    await recordAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'operator.password_changed',
      target: { type: 'operator', id: actor.operatorId },
      details: { email: actor.email, sessions_ended: ended.sessionsEnded, tokens_revoked: ended.tokensRevoked },
      ip: meta.ip,
    });
  });
}

/** A one-time link to set a password, mailed to the operator. Returns when the link stops working. */
async function mailResetLink(ctx: AppContext, operator: { id: string; email: string }, requestedBy: string | null, reason: 'reset' | 'welcome'): Promise<Date> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + RESET_LINK_HOURS * 3600_000);
  await ctx.db.insertInto('operator_password_resets').values({ token_hash: hashSecret(token), operator_id: operator.id, requested_by: requestedBy, expires_at: expiresAt }).execute();
  const link = `${ctx.config.PUBLIC_URL}/reset-password?token=${token}`;
  await ctx.mailer.send({
    to: operator.email,
    subject: reason === 'welcome' ? 'Set your Roster password' : 'Reset your Roster password',
    text: [
      reason === 'welcome' ? 'Roster was set up with you as its owner.' : 'An owner of your Roster organization asked for your password to be reset.',
      '',
      `Choose a new password here (the link works once, for ${RESET_LINK_HOURS} hours):`,
      link,
      '',
      'If you did not expect this, ignore this message: your password stays as it is.',
    ].join('\n'),
  });
  return expiresAt;
}

/** OWNER only: mails another operator of the organization a one-time link to choose a new password. */
export async function requestPasswordReset(ctx: AppContext, actor: OperatorPrincipal, operatorId: string, meta: RequestMeta): Promise<{ expires_at: string; email: string }> {
  // Resetting a password is taking over an account for a moment: only owners may, as only they manage every role.
  if (actor.role !== 'OWNER') throw forbidden('forbidden_role', `Your role (${actor.role}) may not reset passwords; ask an owner`);
  const target = /^[0-9a-f-]{36}$/i.test(operatorId)
    ? await ctx.db.selectFrom('operators').select(['id', 'email']).where('id', '=', operatorId).where('org_id', '=', actor.orgId).where('removed_at', 'is', null).executeTakeFirst()
    : undefined;
  if (!target) throw notFound('Operator');
  const expiresAt = await mailResetLink(ctx, target, actor.operatorId, 'reset');
  await recordAudit(ctx.db, { orgId: actor.orgId, actor, action: 'operator.password_reset_requested', target: { type: 'operator', id: target.id }, details: { email: target.email }, ip: meta.ip });
  return { expires_at: expiresAt.toISOString(), email: target.email };
}

/** The first start's owner: a link to choose their own password, besides the one printed on the console. */
export async function mailOwnerWelcome(ctx: AppContext, operator: { id: string; email: string }): Promise<void> {
  await mailResetLink(ctx, operator, null, 'welcome');
}

/** Uses a reset link: sets the password, spends the link, and ends every session and console token of that operator. */
export async function completePasswordReset(ctx: AppContext, input: { token: string; new_password: string }, meta: RequestMeta): Promise<{ email: string }> {
  checkNewPassword(input.new_password);
  const invalidLink = () => invalid('invalid_reset_link', 'This link is not valid, was already used, or has expired; ask an owner for a new one');
  return ctx.db.transaction().execute(async (trx) => {
    const reset = await trx
      .selectFrom('operator_password_resets')
      .innerJoin('operators', 'operators.id', 'operator_password_resets.operator_id')
      .select(['operator_password_resets.token_hash', 'operators.id', 'operators.email', 'operators.org_id'])
      .where('operator_password_resets.token_hash', '=', hashSecret(input.token))
      .where('operator_password_resets.used_at', 'is', null)
      .where('operator_password_resets.expires_at', '>', new Date())
      .where('operators.removed_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!reset) throw invalidLink();
    await setPassword(trx, reset.id, input.new_password);
    // Every earlier link of this operator goes too: the newest password is the only way in.
    await trx.updateTable('operator_password_resets').set({ used_at: sql`now()` }).where('operator_id', '=', reset.id).where('used_at', 'is', null).execute();
    const ended = await endOperatorCredentials(trx, reset.id);
    await recordAudit(trx, {
      orgId: reset.org_id,
      actor: systemActor('password reset link'),
      action: 'operator.password_reset',
      target: { type: 'operator', id: reset.id },
      details: { email: reset.email, sessions_ended: ended.sessionsEnded, tokens_revoked: ended.tokensRevoked },
      ip: meta.ip,
    });
    return { email: reset.email };
  });
}
