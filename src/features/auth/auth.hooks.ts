import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { forbidden, notFound, unauthorized } from '../../http/errors.ts';
import { hashSecret } from './credentials.ts';
import { rejectCrossSiteRequest } from './csrf.ts';
import { can, type Permission } from '../../shared/roles.ts';
import type { ApiKeyPrincipal, OperatorPrincipal } from './principal.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: ApiKeyPrincipal;
    operator?: OperatorPrincipal;
  }
}

export const SESSION_COOKIE = 'roster_session';

/** API keys are looked up on every request; a short cache keeps that off the hot path. Revocation clears it. */
const apiKeyCache = new Map<string, { principal: ApiKeyPrincipal | null; until: number }>();
const API_KEY_CACHE_MS = 5_000;

/** Bumped on every revocation, so a lookup that began before it does not cache what it read. */
let apiKeyCacheGeneration = 0;

export function forgetApiKey(keyHashHex?: string): void {
  apiKeyCacheGeneration += 1;
  if (keyHashHex) apiKeyCache.delete(keyHashHex);
  else apiKeyCache.clear();
}

const API_KEY_REVOKED_CHANNEL = 'roster_api_key_revoked';

/** Inside the revoking transaction: every process (this one too) forgets the key when it commits. */
export async function announceApiKeyRevoked(trx: Kysely<Database>, keyHashHex: string): Promise<void> {
  await sql`SELECT pg_notify(${API_KEY_REVOKED_CHANNEL}, ${keyHashHex})`.execute(trx);
}

/** Serve processes follow revocations made by any process; after a gap in listening they forget every cached key. */
export async function followApiKeyRevocations(ctx: AppContext): Promise<void> {
  await ctx.events.listen(API_KEY_REVOKED_CHANNEL, (keyHashHex) => forgetApiKey(keyHashHex), () => forgetApiKey());
}

export async function findApiKey(ctx: AppContext, presented: string): Promise<ApiKeyPrincipal | null> {
  const hash = hashSecret(presented);
  const cacheKey = hash.toString('hex');
  const cached = apiKeyCache.get(cacheKey);
  if (cached && cached.until > Date.now()) return cached.principal;
  const generation = apiKeyCacheGeneration;
  const row = await ctx.db
    .selectFrom('api_keys')
    .innerJoin('applications', 'applications.id', 'api_keys.app_id')
    .select(['api_keys.id', 'api_keys.prefix', 'api_keys.app_id', 'applications.org_id'])
    .where('api_keys.key_hash', '=', hash)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
  const principal: ApiKeyPrincipal | null = row ? { kind: 'api_key', keyId: row.id, keyPrefix: row.prefix, appId: row.app_id, orgId: row.org_id } : null;
  if (principal) noteLastUsed(ctx, 'api_keys', principal.keyId);
  // Unknown keys are cached too (a flood of bad keys must not reach the database), so bound the map.
  if (apiKeyCache.size > 50_000) apiKeyCache.clear();
  if (generation === apiKeyCacheGeneration) apiKeyCache.set(cacheKey, { principal, until: Date.now() + API_KEY_CACHE_MS });
  return principal;
}

/** preHandler for the users API: the `x-api-key` header names one application. */
export function requireApiKey(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (!presented) throw unauthorized('missing_api_key', 'Send your API key in the x-api-key header');
    const principal = await findApiKey(ctx, presented);
    if (!principal) throw unauthorized('invalid_api_key', 'The API key is not valid or has been revoked');
    request.apiKey = principal;
  };
}

/** Sessions end after this long without use; each use pushes the end back (at most one write per few minutes). */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
const SESSION_RENEW_AFTER_MS = 5 * 60 * 1000;
/** last_used_at is a hint for people, not a log: one write per credential per minute is plenty. */
const LAST_USED_WRITE_MS = 60_000;
const lastUsedWrites = new Map<string, number>();

function noteLastUsed(ctx: AppContext, table: 'console_tokens' | 'api_keys', id: string): void {
  const key = `${table}:${id}`;
  const now = Date.now();
  if ((lastUsedWrites.get(key) ?? 0) > now - LAST_USED_WRITE_MS) return;
  if (lastUsedWrites.size > 10_000) lastUsedWrites.clear();
  lastUsedWrites.set(key, now);
  // Not awaited: a request must not wait for, or fail on, a bookkeeping write.
  ctx.db
    .updateTable(table)
    .set({ last_used_at: new Date(now) })
    .where('id', '=', id)
    .execute()
    .catch(() => {});
}

export async function findOperatorByCredential(ctx: AppContext, kind: 'session' | 'token', presented: string): Promise<OperatorPrincipal | null> {
  const hash = hashSecret(presented);
  const base = ctx.db.selectFrom('operators').select(['operators.id', 'operators.org_id', 'operators.role', 'operators.email', 'operators.name']).where('operators.removed_at', 'is', null);
  let row;
  if (kind === 'session') {
    row = await base
      .innerJoin('operator_sessions', 'operator_sessions.operator_id', 'operators.id')
      .select('operator_sessions.expires_at')
      .where('operator_sessions.token_hash', '=', hash)
      .where('operator_sessions.expires_at', '>', new Date())
      .executeTakeFirst();
    if (row && row.expires_at.getTime() - Date.now() < SESSION_IDLE_MS - SESSION_RENEW_AFTER_MS) {
      await ctx.db
        .updateTable('operator_sessions')
        .set({ expires_at: new Date(Date.now() + SESSION_IDLE_MS) })
        .where('token_hash', '=', hash)
        .execute();
    }
  } else {
    row = await base
      .innerJoin('console_tokens', 'console_tokens.operator_id', 'operators.id')
      .select('console_tokens.id as token_id')
      .where('console_tokens.token_hash', '=', hash)
      .where('console_tokens.revoked_at', 'is', null)
      .executeTakeFirst();
    if (row) noteLastUsed(ctx, 'console_tokens', row.token_id);
  }
  if (!row) return null;
  return { kind: 'operator', operatorId: row.id, orgId: row.org_id, role: row.role, email: row.email, name: row.name, via: kind };
}

/** preHandler for the console API: the session cookie, or `Authorization: Bearer <console token>`. */
export function requireOperator(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw unauthorized('invalid_authorization', 'Authorization must be "Bearer <console token>"');
      const operator = await findOperatorByCredential(ctx, 'token', match[1]);
      if (!operator) throw unauthorized('invalid_token', 'The console token is not valid or has been revoked');
      request.operator = operator;
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) throw unauthorized('not_signed_in', 'Sign in first, or send a console token');
    // Only the cookie rides along on a foreign page's request; a Bearer token never does.
    rejectCrossSiteRequest(request, ctx.config.PUBLIC_URL);
    const operator = await findOperatorByCredential(ctx, 'session', cookie);
    if (!operator) throw unauthorized('session_expired', 'Your session has ended; sign in again');
    request.operator = operator;
  };
}

export function operatorOf(request: FastifyRequest): OperatorPrincipal {
  if (!request.operator) throw unauthorized('not_signed_in', 'Sign in first, or send a console token');
  return request.operator;
}

export function apiKeyOf(request: FastifyRequest): ApiKeyPrincipal {
  if (!request.apiKey) throw unauthorized('missing_api_key', 'Send your API key in the x-api-key header');
  return request.apiKey;
}

export function authorize(operator: OperatorPrincipal, permission: Permission): void {
  if (!can(operator.role, permission)) {
    throw forbidden('forbidden_role', `Your role (${operator.role}) may not do this (${permission})`);
  }
}

/**
 * The application an operator names in a path, if their organization owns it.
 * Another organization's application is reported as not found, so ids of other tenants reveal nothing.
 */
export async function loadOwnedApp(ctx: AppContext, operator: OperatorPrincipal, appId: string): Promise<{ id: string; org_id: string; name: string }> {
  if (!isUuid(appId)) throw notFound('Application');
  const app = await ctx.db
    .selectFrom('applications')
    .select(['id', 'org_id', 'name'])
    .where('id', '=', appId)
    .where('org_id', '=', operator.orgId)
    .executeTakeFirst();
  if (!app) throw notFound('Application');
  return app;
}

export function clientIp(request: FastifyRequest): string {
  return request.ip;
}

export type { FastifyReply };
