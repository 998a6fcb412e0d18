import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AuditAction } from '../../../shared/audit-actions.ts';
import { type AuditActor, auditInsertQuery } from '../../audit/audit-writer.public.ts';
import type { Database } from '../../../db/schema.ts';
import { faceKeysOfUsers } from '../faces.repository.ts';
import { publishLedgerEntries } from '../user-changes.repository.ts';
import { limits } from '../user-fields.ts';
import { type UserFilters, userFilterWhere } from '../users.filters.ts';
import type { BulkActionKind } from './bulk-actions.tables.ts';

/** SQL of bulk actions on users. Every function takes the application id and puts it in the WHERE clause. */

type Db = Kysely<Database>;

export type BulkSelection = { ids: string[] } | { filters: UserFilters };

/** Who runs the action (the operator who requested it), where, and from which address. */
export interface BulkAuditActor {
  orgId: string;
  actor: AuditActor;
  ip: string | null;
}

export interface BulkActionParams {
  status?: string;
  reason?: string;
  tag?: string;
}

function selectionWhere(appId: string, selection: BulkSelection) {
  return 'ids' in selection ? userFilterWhere(appId, {}) : userFilterWhere(appId, selection.filters);
}

/** The next `limit` selected users after `afterId` in id order, locked until the transaction ends. */
export async function lockNextSelected(trx: Db, appId: string, selection: BulkSelection, afterId: string | null, limit: number): Promise<string[]> {
  let query = trx.selectFrom('users').select('didit_internal_id').where(selectionWhere(appId, selection));
  if ('ids' in selection) query = query.where('didit_internal_id', 'in', selection.ids.length ? selection.ids : ['00000000-0000-0000-0000-000000000000']);
  if (afterId) query = query.where('didit_internal_id', '>', afterId);
  const rows = await query.orderBy('didit_internal_id').limit(limit).forUpdate().execute();
  return rows.map((row) => row.didit_internal_id);
}

export async function countSelected(db: Db, appId: string, selection: BulkSelection): Promise<number> {
  let query = db.selectFrom('users').select(sql<string>`count(*)`.as('count')).where(selectionWhere(appId, selection));
  if ('ids' in selection) query = query.where('didit_internal_id', 'in', selection.ids.length ? selection.ids : ['00000000-0000-0000-0000-000000000000']);
  return Number((await query.executeTakeFirstOrThrow()).count);
}

/** INSERT … SELECT of one audit entry per changed user, in the shape recordAudit writes. */
function auditInsert(appId: string, actor: BulkAuditActor, action: AuditAction, details: RawBuilder<unknown>) {
  return auditInsertQuery({
    org_id: sql`${actor.orgId}::uuid`,
    app_id: sql`${appId}::uuid`,
    actor_type: sql`${actor.actor.type}::text`,
    actor_id: sql`${actor.actor.id}::text`,
    actor_label: sql`${actor.actor.label}::text`,
    action: sql`${action}::text`,
    target_type: sql`'user'`,
    target_id: sql`didit_internal_id::text`,
    details,
    outcome: sql`'success'`,
    ip: sql`${actor.ip}::text`,
    from: sql`FROM changed`,
  });
}

/**
 * Applies one action to the given (locked) users in one statement, writing one audit entry per user it
 * changes (with `details.changes`, as every other user write). Users the action would not change (the
 * status they already have, a tag already there or absent) are left alone and get no entry.
 */
export async function applyBulkAction(
  trx: Db,
  appId: string,
  ids: string[],
  action: BulkActionKind,
  params: BulkActionParams,
  actor: BulkAuditActor,
  bulkActionId: string,
): Promise<{ changed: number; faceKeys: string[] }> {
  if (ids.length === 0) return { changed: 0, faceKeys: [] };
  const target = sql`SELECT didit_internal_id, vendor_data, status, tags FROM users WHERE app_id = ${appId}::uuid AND didit_internal_id = ANY(${ids}::uuid[])`;
  let statement;
  let faceKeys: string[] = [];
  if (action === 'set_status') {
    const status = params.status!;
    statement = sql`WITH target AS (${target}),
      changed AS (
        UPDATE users SET status = ${status}, updated_at = now() FROM target
        WHERE users.app_id = ${appId}::uuid AND users.didit_internal_id = target.didit_internal_id AND target.status <> ${status}
        RETURNING users.didit_internal_id, target.vendor_data, target.status AS old_status),
      audited AS (${auditInsert(
        appId,
        actor,
        'user.status_changed',
        sql`jsonb_build_object('vendor_data', vendor_data, 'from', old_status, 'to', ${status}::text, 'reason', ${params.reason ?? null}::text, 'bulk_action_id', ${bulkActionId}::text,
          'changes', jsonb_build_object('status', jsonb_build_object('from', old_status, 'to', ${status}::text)))`,
      )})
      SELECT count(*)::int AS changed, (SELECT array_agg(id) FROM audited) AS ledger_ids FROM changed`;
  } else if (action === 'add_tag' || action === 'remove_tag') {
    const tag = params.tag!;
    const adding = action === 'add_tag';
    const newTags = adding ? sql`array_append(users.tags, ${tag}::text)` : sql`array_remove(users.tags, ${tag}::text)`;
    // A user already at the tag limit keeps its tags rather than fail the whole action.
    const applies = adding ? sql`NOT (${tag}::text = ANY(target.tags)) AND cardinality(target.tags) < ${limits.tagsPerUser}` : sql`${tag}::text = ANY(target.tags)`;
    statement = sql`WITH target AS (${target}),
      changed AS (
        UPDATE users SET tags = ${newTags}, updated_at = now() FROM target
        WHERE users.app_id = ${appId}::uuid AND users.didit_internal_id = target.didit_internal_id AND ${applies}
        RETURNING users.didit_internal_id, target.vendor_data, target.tags AS old_tags, users.tags AS new_tags),
      audited AS (${auditInsert(
        appId,
        actor,
        'user.updated',
        sql`jsonb_build_object('vendor_data', vendor_data, 'bulk_action_id', ${bulkActionId}::text, 'fields', jsonb_build_array('tags'),
          'changes', jsonb_build_object('tags', jsonb_build_object('from', to_jsonb(old_tags), 'to', to_jsonb(new_tags))))`,
      )})
      SELECT count(*)::int AS changed, (SELECT array_agg(id) FROM audited) AS ledger_ids FROM changed`;
  } else {
    faceKeys = await faceKeysOfUsers(trx, appId, ids);
    // Faces and verification sessions go with their user (ON DELETE CASCADE).
    statement = sql`WITH target AS (${target}),
      changed AS (
        DELETE FROM users USING target
        WHERE users.app_id = ${appId}::uuid AND users.didit_internal_id = target.didit_internal_id
        RETURNING users.didit_internal_id, target.vendor_data),
      audited AS (${auditInsert(appId, actor, 'user.deleted', sql`jsonb_build_object('vendor_data', vendor_data, 'bulk_action_id', ${bulkActionId}::text)`)})
      SELECT count(*)::int AS changed, (SELECT array_agg(id) FROM audited) AS ledger_ids FROM changed`;
  }
  const result = await statement.execute(trx);
  const row = result.rows[0] as { changed: number; ledger_ids: string[] | null };
  await publishLedgerEntries(trx, appId, row.ledger_ids ?? []);
  return { changed: row.changed, faceKeys };
}

export async function insertBulkAction(
  db: Db,
  values: { appId: string; action: BulkActionKind; params: BulkActionParams; selection: BulkSelection; createdBy: string; ip: string | null; total: number },
) {
  return db
    .insertInto('user_bulk_actions')
    .values({
      app_id: values.appId,
      action: values.action,
      params: JSON.stringify(values.params),
      selection: JSON.stringify(values.selection),
      created_by: values.createdBy,
      created_by_ip: values.ip,
      total: values.total,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An application's bulk actions with who asked for them (and the organization, for the audit entry). */
function selectBulkActions(db: Db, appId: string) {
  return db
    .selectFrom('user_bulk_actions')
    .innerJoin('operators', 'operators.id', 'user_bulk_actions.created_by')
    .innerJoin('applications', 'applications.id', 'user_bulk_actions.app_id')
    .selectAll('user_bulk_actions')
    .select(['operators.email as created_by_email', 'operators.name as created_by_name', 'applications.org_id'])
    .where('user_bulk_actions.app_id', '=', appId);
}

export async function findBulkAction(db: Db, appId: string, id: string) {
  return selectBulkActions(db, appId).where('user_bulk_actions.id', '=', id).executeTakeFirst();
}

export type BulkActionRecord = NonNullable<Awaited<ReturnType<typeof findBulkAction>>>;

export async function listBulkActions(db: Db, appId: string, limit: number) {
  return selectBulkActions(db, appId)
    .orderBy('user_bulk_actions.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Records a committed chunk: progress and the resume point move in the chunk's own transaction. */
export async function advanceBulkAction(trx: Db, appId: string, id: string, chunk: { seen: number; changed: number; lastId: string }): Promise<void> {
  await trx
    .updateTable('user_bulk_actions')
    .set({ processed: sql`processed + ${chunk.seen}`, changed: sql`changed + ${chunk.changed}`, cursor_id: chunk.lastId })
    .where('app_id', '=', appId)
    .where('id', '=', id)
    .execute();
}
