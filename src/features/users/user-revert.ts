import { type AuditActor, auditActionSql, auditInsertSql } from '../audit/audit-writer.public.ts';
import { currentColumnsSql, currentJsonSql, restoreSetSql } from './user-merge.sql.ts';
import type { SqlRunner } from './user-merge.ts';
import { publishLedgerEntries } from './user-changes.repository.ts';

/**
 * Undoing an import from its ledger (docs/import-ledger.md#revert): the per-user entries its run wrote (audit_logs.batch_id =
 * the import, without details.revert_of) say what each user was before. A field goes back to `from`
 * where the user's value is still the import's `to`; a user the import created is deleted when nothing
 * changed it since (updated_at), it has no session and no face. Everything else is a conflict, left as
 * it is. Each restored or deleted user gets its own entry (details.revert_of), in the same statement.
 */

export type RevertConflictReason = 'changed_since' | 'deleted_since' | 'session_since' | 'face_since';

export interface RevertConflict {
  audit_id: number;
  vendor_data: string;
  /** The field left as it is; empty for a created user that was kept whole. */
  field: string;
  reason: RevertConflictReason;
}

export interface RevertChunkOutcome {
  /** Ledger entries handled; 0 means the revert is done. */
  entries: number;
  /** The last entry handled: the next chunk starts after it. */
  lastId: number;
  reverted: number;
  deleted: number;
  conflicts: RevertConflict[];
}

export interface RevertForecast {
  restore: number;
  delete: number;
  conflicts: number;
}

export interface RevertContext {
  orgId: string;
  appId: string;
  importId: string;
  fileName: string;
  actor: AuditActor & { type: 'operator'; id: string };
}

// $1 import id · $2 org id · $3 after entry id · $4 entries per chunk (null: all) · $5 app id
function stateSql(lock: boolean): string {
  return `
entries AS MATERIALIZED (
  SELECT a.id, a.action, a.target_id::uuid AS user_id, a.details->>'vendor_data' AS vendor_data, a.details->'changes' AS changes, a.created_at
    FROM audit_logs a
   WHERE a.batch_id = $1::uuid AND a.org_id = $2::uuid AND NOT (a.details ? 'revert_of') AND a.target_type = 'user'
     AND a.id > $3::bigint ORDER BY a.id LIMIT $4::int
), state AS MATERIALIZED (
  SELECT e.*, u.didit_internal_id AS found_id, u.updated_at AS user_updated_at, u.session_count, ${currentColumnsSql},
         EXISTS (SELECT 1 FROM faces f WHERE f.app_id = $5::uuid AND f.user_id = e.user_id) AS has_face
    FROM entries e
    LEFT JOIN LATERAL (SELECT * FROM users u WHERE u.app_id = $5::uuid AND u.didit_internal_id = e.user_id ${lock ? 'FOR UPDATE' : ''}) u ON true
), judged AS MATERIALIZED (
  -- A created user goes when nothing touched it since: no later change (updated_at), no session, no face.
  SELECT s.*, s.action = 'user.created' AND s.found_id IS NOT NULL AND s.user_updated_at <= s.created_at AND s.session_count = 0 AND NOT s.has_face AS can_delete
    FROM state s
), fields AS MATERIALIZED (
  SELECT s.id, s.user_id, s.vendor_data, f.key AS field, f.value->'from' AS old, f.value->'to' AS new,
         s.found_id IS NOT NULL AND ${currentJsonSql('f.key', 's')} = f.value->'to' AS restorable, s.found_id IS NOT NULL AS found
    FROM state s, jsonb_each(s.changes) f
   WHERE s.action <> 'user.created'
), restores AS MATERIALIZED (
  SELECT user_id, min(vendor_data) AS vendor_data, jsonb_object_agg(field, old) AS restore,
         jsonb_object_agg(field, jsonb_build_object('from', new, 'to', old)) AS changes, bool_or(field = 'status') AS status_restored
    FROM fields WHERE restorable GROUP BY user_id
), deletable AS MATERIALIZED (
  SELECT s.id, s.user_id, s.vendor_data FROM judged s WHERE s.can_delete
), conflicts AS MATERIALIZED (
  SELECT id AS audit_id, vendor_data, field, CASE WHEN found THEN 'changed_since' ELSE 'deleted_since' END AS reason FROM fields WHERE NOT restorable
  UNION ALL
  SELECT s.id, s.vendor_data, '',
         CASE WHEN s.found_id IS NULL THEN 'deleted_since' WHEN s.session_count > 0 THEN 'session_since' WHEN s.has_face THEN 'face_since' ELSE 'changed_since' END
    FROM judged s WHERE s.action = 'user.created' AND NOT s.can_delete
)`;
}

/** Columns every per-user entry of a revert chunk shares: organization, application, the operator, the import as batch. */
const revertLedgerColumns = { org_id: '$2::uuid', app_id: '$5::uuid', actor_type: `'operator'`, actor_id: '$6::text', actor_label: '$7::text', target_type: `'user'`, batch_id: '$1::uuid' };

// $6 actor id · $7 actor label · $8 details every entry carries · $9 status reason
const revertChunkSql = `
WITH ${stateSql(true)}, updated AS (
  UPDATE users u SET ${restoreSetSql('r.restore', 'u')}, updated_at = now()
    FROM restores r WHERE u.app_id = $5::uuid AND u.didit_internal_id = r.user_id
  RETURNING u.didit_internal_id
), deleted AS (
  DELETE FROM users u USING deletable d WHERE u.app_id = $5::uuid AND u.didit_internal_id = d.user_id
  RETURNING u.didit_internal_id
), ledger AS (
  ${auditInsertSql([
    {
      ...revertLedgerColumns,
      action: `CASE WHEN r.status_restored THEN ${auditActionSql('user.status_changed')} ELSE ${auditActionSql('user.updated')} END`,
      target_id: 'r.user_id::text',
      details: `$8::jsonb || jsonb_build_object('vendor_data', r.vendor_data, 'changes', r.changes)
           || CASE WHEN r.status_restored THEN jsonb_build_object('reason', $9::text) ELSE '{}'::jsonb END`,
      from: 'FROM restores r',
    },
    { ...revertLedgerColumns, action: auditActionSql('user.deleted'), target_id: 'd.user_id::text', details: `$8::jsonb || jsonb_build_object('vendor_data', d.vendor_data)`, from: 'FROM deletable d' },
  ])}
)
SELECT (SELECT count(*) FROM entries)::int AS entries,
       (SELECT array_agg(id) FROM ledger) AS ledger_ids,
       (SELECT coalesce(max(id), 0) FROM entries) AS last_id,
       (SELECT count(*) FROM updated)::int AS reverted,
       (SELECT count(*) FROM deleted)::int AS deleted,
       (SELECT coalesce(json_agg(c), '[]') FROM conflicts c) AS conflicts`;

const forecastSql = `
WITH ${stateSql(false)}
SELECT (SELECT count(*) FROM restores)::int AS restore,
       (SELECT count(*) FROM deletable)::int AS delete,
       (SELECT count(*) FROM conflicts)::int AS conflicts`;

/** Reverts the next `limit` ledger entries of an import after entry `afterId`. Call inside the chunk's transaction. */
export async function revertLedgerChunk(db: SqlRunner, context: RevertContext, afterId: number, limit: number): Promise<RevertChunkOutcome> {
  const details = JSON.stringify({ revert_of: context.importId, file_name: context.fileName });
  await probeByIndex(db);
  const { rows } = await db.query<{ entries: number; last_id: number | string; reverted: number; deleted: number; conflicts: RevertConflict[]; ledger_ids: string[] | null }>(revertChunkSql, [
    context.importId,
    context.orgId,
    afterId,
    limit,
    context.appId,
    context.actor.id,
    context.actor.label,
    details,
    `Revert of import ${context.fileName}`,
  ]);
  const row = rows[0]!;
  await publishLedgerEntries(db, context.appId, row.ledger_ids ?? []);
  return { entries: row.entries, lastId: Number(row.last_id), reverted: row.reverted, deleted: row.deleted, conflicts: row.conflicts };
}

/**
 * A chunk is a few thousand users against a users table of any size: each join must probe an index per
 * row, never hash a scan of the whole table (the planner cannot tell how small the chunk's CTEs are).
 * Transaction-local.
 */
export async function probeByIndex(db: SqlRunner): Promise<void> {
  // JIT too: the planner's guesses (jsonb_each's 100 rows a call) make it compile these statements for
  // hundreds of milliseconds a chunk, more than running them takes.
  await db.query(`SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true), set_config('jit', 'off', true)`);
}

/** What a revert would do now: users restored, deleted, and conflicts (the console's dry run). Reads only. */
export async function forecastRevert(db: SqlRunner, context: Pick<RevertContext, 'orgId' | 'appId' | 'importId'>): Promise<RevertForecast> {
  const { rows } = await db.query<RevertForecast>(forecastSql, [context.importId, context.orgId, 0, null, context.appId]);
  return rows[0]!;
}
