import type { AppContext } from '../../context.ts';
import { notFound } from '../../http/errors.ts';
import { recordAudit, type SystemActor } from '../audit/audit-writer.public.ts';
import { announceApiKeyRevoked, forgetApiKey } from './auth.hooks.ts';
import { iso } from './auth.schemas.ts';
import type { OperatorPrincipal } from './principal.ts';
import { createApiKey, type RequestMeta } from './tenancy.service.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  created_by: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const view = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  created_at: row.created_at.toISOString(),
  created_by: row.created_by,
  last_used_at: iso(row.last_used_at),
  revoked_at: iso(row.revoked_at),
});

const apiKeyColumns = ['id', 'name', 'prefix', 'created_at', 'created_by', 'last_used_at', 'revoked_at'] as const;

/** An application's keys, newest first; revoked ones stay listed so their history can be read. */
export async function listApiKeys(ctx: AppContext, appId: string): Promise<ApiKeyView[]> {
  const rows = await ctx.db.selectFrom('api_keys').select(apiKeyColumns).where('app_id', '=', appId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(view);
}

/** The caller has checked that the operator's organization owns `appId`. */
export async function issueApiKey(ctx: AppContext, actor: OperatorPrincipal, appId: string, name: string, meta: RequestMeta): Promise<ApiKeyView & { api_key: string }> {
  const created = await createApiKey(ctx.db, appId, { name, actor, ip: meta.ip });
  return { ...view(created), api_key: created.api_key };
}

/** Revokes a key of the application; revoking it again changes nothing and is not an error. */
/** `actor` is the operator, or the command line (a system actor of the application's organization). */
export async function revokeApiKey(ctx: AppContext, actor: OperatorPrincipal | (SystemActor & { orgId: string }), appId: string, keyId: string, meta: RequestMeta): Promise<void> {
  if (!isUuid(keyId)) throw notFound('API key');
  const revokedHash = await ctx.db.transaction().execute(async (trx) => {
    const key = await trx.selectFrom('api_keys').select(['id', 'prefix', 'name', 'key_hash', 'revoked_at']).where('app_id', '=', appId).where('id', '=', keyId).forUpdate().executeTakeFirst();
    if (!key) throw notFound('API key');
    if (key.revoked_at) return null;
    await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('app_id', '=', appId).where('id', '=', keyId).execute();
    await recordAudit(trx, { orgId: actor.orgId, appId, actor, action: 'api_key.revoked', target: { type: 'api_key', id: key.id }, details: { prefix: key.prefix, name: key.name }, ip: meta.ip });
    // Delivered to every process at commit, so each drops the key from its cache at once.
    await announceApiKeyRevoked(trx, key.key_hash.toString('hex'));
    return key.key_hash;
  });
  // After the commit: forgetting earlier would let a request in between cache the key as valid again.
  if (revokedHash) forgetApiKey(revokedHash.toString('hex'));
}
