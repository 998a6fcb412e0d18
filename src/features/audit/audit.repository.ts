import { type Kysely, sql } from 'kysely';
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
  /** The per-user entries an import's run wrote (details.import_id). */
  importId?: string;
  /** The per-user entries an import's revert wrote (details.revert_of). */
  revertOf?: string;
  /** Only entries older than this id (the keyset cursor). */
  beforeId?: number;
  limit: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  if (filters.targetId !== undefined) {
    const id = filters.targetId;
    // A read that showed several users names them in subject_ids (docs/privacy.md#reads-on-record): a user's entries include it.
    query = uuidPattern.test(id) ? query.where((eb) => eb.or([eb('target_id', '=', id), sql<boolean>`subject_ids @> ARRAY[${id}]::uuid[]`])) : query.where('target_id', '=', id);
  }
  // An import's per-user entries fold under its line: listed by import, or in a user's history (target_id).
  if (filters.importId !== undefined) query = query.where('batch_id', '=', filters.importId).where(sql<boolean>`NOT (details ? 'revert_of')`);
  else if (filters.revertOf !== undefined) query = query.where('batch_id', '=', filters.revertOf).where(sql<boolean>`details ? 'revert_of'`);
  else if (filters.targetId === undefined) query = query.where('batch_id', 'is', null);
  if (filters.since !== undefined) query = query.where('created_at', '>=', filters.since);
  if (filters.until !== undefined) query = query.where('created_at', '<', filters.until);
  if (filters.beforeId !== undefined) query = query.where('id', '<', String(filters.beforeId));
  const rows = await query.orderBy('id', 'desc').limit(filters.limit + 1).execute();
  return { rows: rows.slice(0, filters.limit), more: rows.length > filters.limit };
}

/** Every entry about one user of an application, oldest first: a subject-access package's history.json (docs/privacy.md). */
export async function findEntriesAbout(db: Kysely<Database>, orgId: string, appId: string, userId: string) {
  return db
    .selectFrom('audit_logs')
    .select(['id', 'created_at', 'action', 'outcome', 'actor_type', 'actor_label', 'details', 'ip'])
    .where('org_id', '=', orgId)
    .where('app_id', '=', appId)
    .where('target_id', '=', userId)
    .orderBy('id')
    .execute();
}
