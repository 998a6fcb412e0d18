import type { TestRoster, TestTenant } from '../harness.ts';
import type { Change } from '../../src/features/users/user-changes.service.ts';

/** Helpers for the change feed's tests: page the feed as a consumer does, and list what the ledger says changed. */

export type FeedChange = Change;

export async function feedPage(roster: TestRoster, tenant: TestTenant, after: number, limit = 1000) {
  const response = await roster.app.inject({ method: 'GET', url: `/v3/user-changes/?after=${after}&limit=${limit}`, headers: tenant.keyAuth });
  if (response.statusCode !== 200) throw new Error(`feed: ${response.statusCode} ${response.body}`);
  return response.json() as { results: FeedChange[]; next_after: number; has_more: boolean };
}

/** Every change after `after`, paging to the end. */
export async function readWholeFeed(roster: TestRoster, tenant: TestTenant, after = 0): Promise<FeedChange[]> {
  const changes: FeedChange[] = [];
  for (let cursor = after; ; ) {
    const page = await feedPage(roster, tenant, cursor);
    changes.push(...page.results);
    cursor = page.next_after;
    if (!page.has_more) return changes;
  }
}

/** The user changes the ledger (audit_logs) holds for the application, in entry order: [type, didit_internal_id]. */
export async function ledgerChanges(roster: TestRoster, tenant: TestTenant): Promise<[string, string][]> {
  const entries = await roster.ctx.db
    .selectFrom('audit_logs')
    .select(['action', 'target_id', 'details'])
    .where('app_id', '=', tenant.appId)
    .where('action', 'in', ['user.created', 'user.updated', 'user.status_changed', 'user.deleted', 'user.session_recorded'])
    .orderBy('id')
    .execute();
  return entries.flatMap((entry): [string, string][] => {
    const type = entry.action === 'user.session_recorded' ? 'user.updated' : entry.action;
    // A delete through either API is one entry listing every user it deleted.
    if (entry.target_id === null) return ((entry.details as { didit_internal_ids?: string[] }).didit_internal_ids ?? []).map((id) => [type, id]);
    return [[type, entry.target_id]];
  });
}
