import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database, Role } from '../../db/schema.ts';
import { conflict, forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import type { InvitationEndReason } from './auth-security.tables.ts';
import { authorize } from './auth.hooks.ts';
import { canManageOperator, roles } from '../../shared/roles.ts';
import type { OperatorPrincipal } from './principal.ts';
import type { RequestMeta } from './tenancy.service.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/**
 * Listing and revoking invitations, and ending them with their sender's right to invite (issue #19,
 * finding 4; docs/roles.md#operators). Whoever manages operators sees the organization's invitations;
 * one may revoke those one could have sent (ADMIN: any but OWNER invitations).
 */

export type InvitationStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  name: string;
  status: InvitationStatus;
  invited_by: { id: string; email: string } | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  revoked_reason: InvitationEndReason | null;
}

/** The newest this many; an organization does not have more invitations worth reading at once. */
const LIST_LIMIT = 200;

export async function listInvitations(ctx: AppContext, actor: OperatorPrincipal): Promise<InvitationView[]> {
  authorize(actor, 'operators.manage');
  const rows = await ctx.db
    .selectFrom('operator_invitations')
    .leftJoin('operators as sender', 'sender.id', 'operator_invitations.invited_by')
    .select([
      'operator_invitations.id',
      'operator_invitations.email',
      'operator_invitations.role',
      'operator_invitations.name',
      'operator_invitations.created_at',
      'operator_invitations.expires_at',
      'operator_invitations.accepted_at',
      'operator_invitations.revoked_at',
      'operator_invitations.revoked_reason',
      'sender.id as sender_id',
      'sender.email as sender_email',
    ])
    .where('operator_invitations.org_id', '=', actor.orgId)
    .orderBy('operator_invitations.created_at', 'desc')
    .orderBy('operator_invitations.id', 'desc')
    .limit(LIST_LIMIT)
    .execute();
  const now = Date.now();
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    name: row.name,
    status: row.accepted_at ? 'accepted' : row.revoked_at ? 'revoked' : row.expires_at.getTime() <= now ? 'expired' : 'pending',
    invited_by: row.sender_id && row.sender_email ? { id: row.sender_id, email: row.sender_email } : null,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    accepted_at: row.accepted_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    revoked_reason: row.revoked_reason,
  }));
}

/** Revokes a pending invitation; revoking one already revoked is not an error, an accepted one is a 409. */
export async function revokeInvitation(ctx: AppContext, actor: OperatorPrincipal, invitationId: string, meta: RequestMeta): Promise<void> {
  authorize(actor, 'operators.manage');
  if (!isUuid(invitationId)) throw notFound('Invitation', 'invitation_not_found');
  await ctx.db.transaction().execute(async (trx) => {
    const invitation = await trx
      .selectFrom('operator_invitations')
      .select(['id', 'email', 'role', 'accepted_at', 'revoked_at'])
      .where('org_id', '=', actor.orgId)
      .where('id', '=', invitationId)
      .forUpdate()
      .executeTakeFirst();
    if (!invitation) throw notFound('Invitation', 'invitation_not_found');
    if (!canManageOperator(actor.role, invitation.role)) throw forbidden('forbidden_role', `Your role (${actor.role}) may not manage ${invitation.role} invitations`);
    if (invitation.accepted_at) throw conflict('invitation_accepted', 'This invitation was already accepted; remove the operator instead');
    if (invitation.revoked_at) return;
    await trx.updateTable('operator_invitations').set({ revoked_at: new Date(), revoked_by: actor.operatorId, revoked_reason: 'revoked' }).where('id', '=', invitation.id).execute();
    await recordAudit(trx, {
      orgId: actor.orgId,
      actor,
      action: 'operator.invitation_revoked',
      target: { type: 'invitation', id: invitation.id },
      details: { email: invitation.email, role: invitation.role, reason: 'revoked' },
      ip: meta.ip,
    });
  });
}

/**
 * Revokes the pending invitations `senderId` may no longer give: all of them when the sender is removed
 * (`newRole` null), those of roles `newRole` may not manage when their role is lowered. Runs in the
 * removal's or role change's transaction; returns how many ended (the caller's audit entry says so).
 */
export async function endInvitationsOfSender(trx: Transaction<Database>, senderId: string, newRole: Role | null, revokedBy: string): Promise<number> {
  const stillAllowed = newRole ? roles.filter((role) => canManageOperator(newRole, role)) : [];
  let query = trx
    .updateTable('operator_invitations')
    .set({ revoked_at: new Date(), revoked_by: revokedBy, revoked_reason: newRole ? 'sender_role_changed' : 'sender_removed' })
    .where('invited_by', '=', senderId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null);
  if (stillAllowed.length > 0) query = query.where('role', 'not in', stillAllowed);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
