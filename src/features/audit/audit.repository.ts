import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

export interface AuditLogFilters {
  /** Exact actions, or prefixes ending in "." or "*" ("import." matches every import action). */
  actions: string[];
  /** An actor id, or an actor label such as an operator's email (case-insensitive). */
  actor?: string;
  appId?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  /** Only entries older than this id (the keyset cursor). */
  beforeId?: number;
  limit: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** One page of an organization's audit trail, newest first; fetches one extra row to tell whether more follow. */
export async function findAuditLogs(db: Kysely<Database>, orgId: string, filters: AuditLogFilters) {
  let query = db.selectFrom('audit_logs').selectAll().where('org_id', '=', orgId);
  if (filters.actions.length > 0) {
    query = query.where((eb) =>
      eb.or(
        filters.actions.map((action) => {
          const prefix = /[.*]$/.test(action) ? action.replace(/\*$/, '') : null;
          return prefix === null ? eb('action', '=', action) : eb('action', 'like', `${escapeLike(prefix)}%`);
        }),
      ),
    );
  }
  if (filters.actor !== undefined) {
    const actor = filters.actor;
    query = query.where((eb) => eb.or([eb('actor_id', '=', actor), eb(eb.fn('lower', ['actor_label']), '=', actor.toLowerCase())]));
  }
  if (filters.appId !== undefined) query = query.where('app_id', '=', filters.appId);
  if (filters.targetType !== undefined) query = query.where('target_type', '=', filters.targetType);
  if (filters.targetId !== undefined) query = query.where('target_id', '=', filters.targetId);
  if (filters.since !== undefined) query = query.where('created_at', '>=', filters.since);
  if (filters.until !== undefined) query = query.where('created_at', '<', filters.until);
  if (filters.beforeId !== undefined) query = query.where('id', '<', String(filters.beforeId));
  const rows = await query.orderBy('id', 'desc').limit(filters.limit + 1).execute();
  return { rows: rows.slice(0, filters.limit), more: rows.length > filters.limit };
}
