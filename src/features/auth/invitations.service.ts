import type { AppContext } from '../../context.ts';
import type { Role } from '../../db/schema.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import { authorize } from './auth.hooks.ts';
import { hashSecret, newSecret } from './credentials.ts';
import { alreadyRegisteredMail, invitationMail } from './invitation-mail.ts';
import { canManageOperator, type InvitationSent, roles } from '../../shared/roles.ts';
import type { OperatorPrincipal } from './principal.ts';
import { hashPassword, isValidOperatorEmail, type RequestMeta } from './tenancy.service.ts';
import { isUniqueViolation } from '../../db/postgres-errors.ts';

/**
 * Adding an operator is an invitation (issue #9, finding 11). The answer is the same whether the address
 * is free or already has an account anywhere: the difference goes only to the address itself, by mail.
 * A free address gets a one-time link to set a password; the account is made when it is used, so no
 * organization can claim an address its owner never accepted. An address in use gets a mail saying so.
 */

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface InvitationInput {
  email: string;
  role: Role;
  name?: string;
}

export function invitationLink(publicUrl: string, token: string): string {
  // In the fragment, so it never reaches a server log or a Referer header.
  return `${publicUrl}/invitation#token=${token}`;
}

export async function inviteOperator(ctx: AppContext, actor: OperatorPrincipal, input: InvitationInput, meta: RequestMeta): Promise<InvitationSent> {
  authorize(actor, 'operators.manage');
  if (!canManageOperator(actor.role, input.role)) throw forbidden('forbidden_role', `Your role (${actor.role}) may not manage ${input.role} operators`);
  const email = input.email.trim().toLowerCase();
  if (!isValidOperatorEmail(email)) throw invalid('invalid_email', `"${input.email}" is not an email address`);
  if (!roles.includes(input.role)) throw invalid('invalid_role', `Role must be one of ${roles.join(', ')}`);

  const token = newSecret('rs');
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  // The same statements run in both cases, so neither the answer nor its timing tells them apart.
  const { organizationName, taken } = await ctx.db.transaction().execute(async (trx) => {
    const org = await trx.selectFrom('organizations').select('name').where('id', '=', actor.orgId).executeTakeFirstOrThrow();
    const existing = await trx.selectFrom('operators').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email)).where('removed_at', 'is', null).executeTakeFirst();
    const invitation = await trx
      .insertInto('operator_invitations')
      .values({ org_id: actor.orgId, email, role: input.role, name: input.name?.trim() ?? '', token_hash: hashSecret(token), invited_by: actor.operatorId, expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'operator.invited',
      target: { type: 'invitation', id: invitation.id },
      details: { email, role: input.role },
      ip: meta.ip,
    });
    return { organizationName: org.name, taken: Boolean(existing) };
  });

  const facts = { to: email, organizationName, invitedBy: actor.name || actor.email, role: input.role };
  const mail = taken
    ? alreadyRegisteredMail({ ...facts, signInUrl: `${ctx.config.PUBLIC_URL}/` })
    : invitationMail({ ...facts, link: invitationLink(ctx.config.PUBLIC_URL, token), expiresAt });
  try {
    await ctx.mailer.send(mail);
  } catch (error) {
    ctx.log.warn(`invitation mail to ${email} could not be sent: ${(error as Error).message}`);
    throw new AppError('mail_unavailable', 'The invitation could not be mailed right now; try again in a moment', undefined, { 'retry-after': '30' });
  }
  return {
    status: 'invitation_sent',
    email,
    role: input.role,
    expires_at: expiresAt.toISOString(),
    message: `We sent an email to ${email}. If the address can join, it holds a link to choose a password (valid for 7 days); if it already has a Roster account, the email says so.`,
  };
}

export const invitationRevoked = () =>
  new AppError('invitation_revoked', 'This invitation was withdrawn, or the person who sent it may no longer invite; ask for a new one');

/**
 * Whether the sender may still give this invitation: an invitation is worth only the sender's right to
 * invite, checked again when it is used (removing the sender or lowering their role also revokes their
 * pending invitations at once, invitation-management.ts; this check also covers older ones).
 */
export function senderMayStillInvite(sender: { role: Role; removed_at: Date | null } | undefined, invitedRole: Role): boolean {
  return Boolean(sender) && sender!.removed_at === null && canManageOperator(sender!.role, invitedRole);
}

async function findLiveInvitation(ctx: AppContext, token: string) {
  const invitation = await ctx.db
    .selectFrom('operator_invitations')
    .innerJoin('organizations', 'organizations.id', 'operator_invitations.org_id')
    .leftJoin('operators as sender', 'sender.id', 'operator_invitations.invited_by')
    .select([
      'operator_invitations.id',
      'operator_invitations.org_id',
      'operator_invitations.email',
      'operator_invitations.role',
      'operator_invitations.name',
      'operator_invitations.invited_by',
      'operator_invitations.expires_at',
      'operator_invitations.revoked_at',
      'organizations.name as org_name',
      'sender.role as sender_role',
      'sender.removed_at as sender_removed_at',
    ])
    .where('operator_invitations.token_hash', '=', hashSecret(token))
    .where('operator_invitations.accepted_at', 'is', null)
    .executeTakeFirst();
  if (!invitation) throw notFound('Invitation', 'invitation_not_found');
  if (invitation.revoked_at) throw invitationRevoked();
  const sender = invitation.sender_role ? { role: invitation.sender_role, removed_at: invitation.sender_removed_at } : undefined;
  if (!senderMayStillInvite(sender, invitation.role)) throw invitationRevoked();
  if (invitation.expires_at.getTime() <= Date.now()) throw new AppError('invitation_expired', 'This invitation has expired; ask for a new one');
  return invitation;
}

/** What the invitation page shows before the password is chosen. */
export async function describeInvitation(ctx: AppContext, token: string) {
  const invitation = await findLiveInvitation(ctx, token);
  return { email: invitation.email, role: invitation.role, name: invitation.name, organization: { id: invitation.org_id, name: invitation.org_name }, expires_at: invitation.expires_at.toISOString() };
}

/** Makes the operator the invitation names, with the password its holder chose; the link works once. */
export async function acceptInvitation(ctx: AppContext, input: { token: string; password: string; name?: string }, meta: RequestMeta): Promise<{ operatorId: string; email: string }> {
  if (input.password.length < 8) throw invalid('weak_password', 'A password needs at least 8 characters');
  const invitation = await findLiveInvitation(ctx, input.token);
  const passwordHash = await hashPassword(input.password);
  const emailTaken = () => conflict('operator_exists', 'This address already has a Roster account; sign in with it instead');
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      // The sender's row is read under a share lock: a removal or role change committing now waits, or is seen.
      const sender = invitation.invited_by
        ? await trx.selectFrom('operators').select(['role', 'removed_at']).where('id', '=', invitation.invited_by).forShare().executeTakeFirst()
        : undefined;
      if (!senderMayStillInvite(sender, invitation.role)) throw invitationRevoked();
      const claimed = await trx
        .updateTable('operator_invitations')
        .set({ accepted_at: new Date() })
        .where('id', '=', invitation.id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!claimed) throw notFound('Invitation', 'invitation_not_found');
      const taken = await trx.selectFrom('operators').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', invitation.email)).where('removed_at', 'is', null).executeTakeFirst();
      if (taken) throw emailTaken();
      const name = input.name?.trim() || invitation.name;
      const operator = await trx
        .insertInto('operators')
        .values({ org_id: invitation.org_id, email: invitation.email, role: invitation.role, name, password_hash: passwordHash })
        .returning(['id', 'email', 'name', 'role'])
        .executeTakeFirstOrThrow();
      const principal: OperatorPrincipal = { kind: 'operator', operatorId: operator.id, orgId: invitation.org_id, role: operator.role, email: operator.email, name: operator.name, via: 'session' };
      await recordAudit(trx, {
        orgId: invitation.org_id,
        actor: principal,
        action: 'operator.created',
        target: { type: 'operator', id: operator.id },
        details: { email: operator.email, role: operator.role, invitation_id: invitation.id, invited_by: invitation.invited_by },
        ip: meta.ip,
      });
      return { operatorId: operator.id, email: operator.email };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}
