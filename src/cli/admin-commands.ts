import type { AppContext } from '../context.ts';
import { AppError, notFound } from '../http/errors.ts';
import { systemActor } from '../features/audit/audit-writer.public.ts';
import { listApiKeys, revokeApiKey } from '../features/auth/api-keys.service.ts';
import { listOperators } from '../features/auth/operators.repository.ts';
import { idFlag, loadApplication } from './cli-context.ts';
import type { Terminal } from './terminal.ts';

/** Fixed-width columns for prose listings. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export async function apiKeyList(ctx: AppContext, terminal: Terminal, appId: string): Promise<void> {
  const app = await loadApplication(ctx, appId);
  const keys = await listApiKeys(ctx, app.id);
  const rows = [['ID', 'PREFIX', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'], ...keys.map((key) => [key.id, key.prefix, key.name, key.created_at, key.last_used_at ?? '-', key.revoked_at ?? '-'])];
  terminal.result({ results: keys }, keys.length ? table(rows) : `No API keys for application ${app.id}`);
}

export async function apiKeyRevoke(ctx: AppContext, terminal: Terminal, appId: string, keyId: string | undefined): Promise<void> {
  if (!keyId) throw new AppError('invalid_argument', 'apikey revoke needs the key id: roster apikey revoke KEY_ID --app APP (ids from `roster apikey list`)');
  const app = await loadApplication(ctx, appId);
  const id = idFlag(keyId, 'id');
  const before = (await listApiKeys(ctx, app.id)).find((key) => key.id === id);
  if (!before) throw notFound('API key');
  await revokeApiKey(ctx, { ...systemActor('cli'), orgId: app.org_id }, app.id, id, { ip: null });
  terminal.result({ id, revoked: true, already_revoked: before.revoked_at !== null }, before.revoked_at ? `API key ${before.prefix}… was already revoked` : `Revoked API key ${before.prefix}… (${id}); it fails at once`);
}

export async function operatorList(ctx: AppContext, terminal: Terminal, orgId: string): Promise<void> {
  const id = idFlag(orgId, 'org');
  const org = await ctx.db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst();
  if (!org) throw notFound('Organization');
  const operators = (await listOperators(ctx.db, id)).map((row) => ({ id: row.id, email: row.email, name: row.name, role: row.role, created_at: row.created_at.toISOString() }));
  const rows = [['ID', 'EMAIL', 'ROLE', 'NAME', 'CREATED'], ...operators.map((operator) => [operator.id, operator.email, operator.role, operator.name, operator.created_at])];
  terminal.result({ results: operators }, operators.length ? table(rows) : `No operators in organization ${id}`);
}
