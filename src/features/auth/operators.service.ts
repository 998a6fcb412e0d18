import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database, Role } from '../../db/schema.ts';
import { conflict, forbidden, notFound, unauthorized } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import { authorize } from './auth.hooks.ts';
import { endInvitationsOfSender } from './invitation-management.ts';
import * as operators from './operators.repository.ts';
import { canManageOperator } from '../../shared/roles.ts';
import type { OperatorPrincipal } from './principal.ts';
import type { RequestMeta } from './tenancy.service.ts';

export interface OperatorView {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: string;
}

const view = (row: operators.OperatorRow): OperatorView => ({ id: row.id, email: row.email, name: row.name, role: row.role, created_at: row.created_at.toISOString() });

function refuseUnlessManages(actor: OperatorPrincipal, role: Role): void {
  if (!canManageOperator(actor.role, role)) {
    throw forbidden('forbidden_role', `Your role (${actor.role}) may not manage ${role} operators`);
  }
}

/**
 * The caller as they are now, read under the organization lock: a role taken away by a change that
 * committed a moment ago must not still count for this one.
 */
async function currentActor(trx: Transaction<Database>, actor: OperatorPrincipal): Promise<OperatorPrincipal> {
  const row = await operators.findOperator(trx, actor.orgId, actor.operatorId);
  if (!row) throw unauthorized('not_signed_in', 'Your operator account has been removed');
  return { ...actor, role: row.role };
}

const lastOwner = () => conflict('last_owner', 'An organization keeps at least one OWNER; make someone else OWNER first');
const operatorNotFound = () => notFound('Operator');

/** Everyone may see who else is in their organization. */
export async function listOrganizationOperators(ctx: AppContext, actor: OperatorPrincipal): Promise<OperatorView[]> {
  return (await operators.listOperators(ctx.db, actor.orgId)).map(view);
}

export interface OperatorChanges {
  role?: Role;
  name?: string;
}

export async function changeOperator(ctx: AppContext, actor: OperatorPrincipal, operatorId: string, changes: OperatorChanges, meta: RequestMeta): Promise<OperatorView> {
  // Anyone may rename themselves; anything else is member management.
  const renamingSelf = operatorId === actor.operatorId && changes.role === undefined;
  if (!renamingSelf) authorize(actor, 'operators.manage');

  return ctx.db.transaction().execute(async (trx) => {
    await operators.lockOrganization(trx, actor.orgId);
    const caller = await currentActor(trx, actor);
    if (!renamingSelf) authorize(caller, 'operators.manage');
    const target = await operators.findOperator(trx, caller.orgId, operatorId);
    if (!target) throw operatorNotFound();
    const roleChanges = changes.role !== undefined && changes.role !== target.role;
    if (target.id !== caller.operatorId) refuseUnlessManages(caller, target.role);
    if (roleChanges) {
      refuseUnlessManages(caller, changes.role!);
      if (target.role === 'OWNER' && (await operators.countOwners(trx, caller.orgId)) <= 1) throw lastOwner();
    }
    const nameChanges = changes.name !== undefined && changes.name !== target.name;
    if (!roleChanges && !nameChanges) return view(target);

    const updated = await operators.updateOperator(trx, caller.orgId, target.id, {
      ...(roleChanges ? { role: changes.role } : {}),
      ...(nameChanges ? { name: changes.name } : {}),
    });
    const audit = { orgId: caller.orgId, actor: caller, target: { type: 'operator', id: target.id }, ip: meta.ip };
    if (roleChanges) {
      // An invitation is worth the sender's right to invite: a lowered role takes back those it may no longer give.
      const invitationsRevoked = await endInvitationsOfSender(trx, target.id, updated.role, caller.operatorId);
      await recordAudit(trx, { ...audit, action: 'operator.role_changed', details: { email: target.email, from: target.role, to: updated.role, invitations_revoked: invitationsRevoked } });
    }
    if (nameChanges) {
      await recordAudit(trx, { ...audit, action: 'operator.updated', details: { email: target.email, name: { from: target.name, to: updated.name } } });
    }
    return view(updated);
  });
}

export async function removeOrganizationOperator(ctx: AppContext, actor: OperatorPrincipal, operatorId: string, meta: RequestMeta): Promise<void> {
  authorize(actor, 'operators.manage');
  await ctx.db.transaction().execute(async (trx) => {
    await operators.lockOrganization(trx, actor.orgId);
    const caller = await currentActor(trx, actor);
    authorize(caller, 'operators.manage');
    const target = await operators.findOperator(trx, caller.orgId, operatorId);
    if (!target) throw operatorNotFound();
    if (target.id === caller.operatorId) throw conflict('cannot_remove_self', 'You cannot remove yourself; ask another OWNER or ADMIN');
    refuseUnlessManages(caller, target.role);
    if (target.role === 'OWNER' && (await operators.countOwners(trx, caller.orgId)) <= 1) throw lastOwner();
    const ended = await operators.removeOperator(trx, caller.orgId, target.id);
    const invitationsRevoked = await endInvitationsOfSender(trx, target.id, null, caller.operatorId);
    await recordAudit(trx, {
      orgId: caller.orgId,
      actor: caller,
      action: 'operator.removed',
      target: { type: 'operator', id: target.id },
      details: { email: target.email, role: target.role, sessions_ended: ended.sessionsEnded, tokens_revoked: ended.tokensRevoked, invitations_revoked: invitationsRevoked },
      ip: meta.ip,
    });
  });
}
