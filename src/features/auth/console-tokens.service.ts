import type { AppContext } from '../../context.ts';
import { notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import { iso } from './auth.schemas.ts';
import type { OperatorPrincipal } from './principal.ts';
import { createConsoleTokenFor, type RequestMeta } from './tenancy.service.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

export interface ConsoleTokenView {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** An operator sees and manages only their own tokens, whatever their role. */
export async function listOwnTokens(ctx: AppContext, operator: OperatorPrincipal): Promise<ConsoleTokenView[]> {
  const rows = await ctx.db
    .selectFrom('console_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('operator_id', '=', operator.operatorId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => ({ ...row, created_at: row.created_at.toISOString(), last_used_at: iso(row.last_used_at), revoked_at: iso(row.revoked_at) }));
}

export async function issueOwnToken(ctx: AppContext, operator: OperatorPrincipal, name: string, meta: RequestMeta) {
  const created = await createConsoleTokenFor(ctx.db, operator.operatorId, { name, actor: operator, ip: meta.ip });
  return { id: created.id, name: created.name, created_at: created.created_at.toISOString(), token: created.token };
}

/** Tokens are checked against the database on every request, so a revoked one stops at once everywhere. */
export async function revokeOwnToken(ctx: AppContext, operator: OperatorPrincipal, tokenId: string, meta: RequestMeta): Promise<void> {
  if (!isUuid(tokenId)) throw notFound('Token');
  await ctx.db.transaction().execute(async (trx) => {
    const token = await trx
      .selectFrom('console_tokens')
      .select(['id', 'name', 'revoked_at'])
      .where('operator_id', '=', operator.operatorId)
      .where('id', '=', tokenId)
      .forUpdate()
      .executeTakeFirst();
    if (!token) throw notFound('Token');
    if (token.revoked_at) return;
    await trx.updateTable('console_tokens').set({ revoked_at: new Date() }).where('operator_id', '=', operator.operatorId).where('id', '=', tokenId).execute();
    await recordAudit(trx, {
      orgId: operator.orgId,
      actor: operator,
      action: 'token.revoked',
      target: { type: 'console_token', id: token.id },
      details: { operator: operator.email, name: token.name },
      ip: meta.ip,
    });
  });
}
