import type { AppContext } from '../../context.ts';
import { readsOnRecord } from '../audit/audit-writer.public.ts';
import type { Principal } from '../auth/index.ts';

/**
 * Reads on record (docs/privacy.md#reads-on-record): a request that showed users' data writes one audit
 * entry naming them: a user page its user (`target`), a list page every user on it (`subjects`, one row
 * however many). Operators' reads always; API keys' only with AUDIT_API_READS=true (they are the
 * business's own servers). A page that showed no one is not a read of anyone. The entry is queued and
 * written within a quarter second, with others, in one INSERT (src/features/audit/reads-on-record.ts).
 */
export type ReadAction = 'user.viewed' | 'users.listed' | 'user_changes.listed';

/** Bench-only (bench/reads-on-record.bench.ts measures the list with and without the entry). Never set in production code. */
export const usersReadsBenchHooks = { skipRecording: false };

export function recordUsersShown(
  ctx: AppContext,
  read: { principal: Principal; appId: string; ip: string | null },
  action: ReadAction,
  userIds: readonly string[],
  details: Record<string, unknown> = {},
): void {
  if (userIds.length === 0 || usersReadsBenchHooks.skipRecording) return;
  if (read.principal.kind === 'api_key' && !ctx.config.AUDIT_API_READS) return;
  const shown = action === 'user.viewed' ? { target: { type: 'user', id: userIds[0]! } } : { subjects: [...new Set(userIds)] };
  readsOnRecord(ctx.db, ctx.log).record({ orgId: read.principal.orgId, appId: read.appId, actor: read.principal, action, ...shown, details: { count: shown.subjects?.length ?? 1, ...details }, ip: read.ip });
}

/** The names of the filters a list used, never their values (a search may hold a person's email). */
export function filtersUsed(filters: Record<string, unknown>): string[] {
  return Object.entries(filters)
    .filter(([, value]) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0))
    .map(([name]) => name)
    .sort();
}
