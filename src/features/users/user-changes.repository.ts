import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { userJsonSql } from '../../shared/user-catalogue.ts';
import type { SqlRunner } from './user-merge.ts';

/**
 * The change feed's one writer (docs/change-feed.md). Every path that changes a user calls it in the
 * transaction of the change, after the change and its ledger entries, as the transaction's last write:
 *
 * - `publishLedgerEntries`: the user.* ledger entries just written (audit_logs ids) become changes.
 * - `publishUserChanges`: changes given whole, for a write with no per-user ledger entry of its own.
 * - `feedCtes`: the same, as CTEs inside a statement that writes the ledger (the API's one-statement create).
 *
 * Each numbers its rows from the application's counter row (app_change_counters), whose row lock is then
 * held until commit: a second writer of the same application waits there, and so commits after the
 * first and gets higher numbers. No reader can see seq N before every change below N is visible.
 */

type Runner = SqlRunner | Kysely<Database>;

async function run<R>(db: Runner, text: string, values: unknown[]): Promise<R[]> {
  if ('query' in db) return (await db.query(text, values)).rows as R[];
  return (await db.executeQuery(CompiledQuery.raw(text, values))).rows as R[];
}

/** The user object of row `alias`, or NULL when the LEFT JOIN found no user (deleted). */
function userJsonOrNull(alias: string): string {
  return `CASE WHEN ${alias}.didit_internal_id IS NULL THEN NULL ELSE ${userJsonSql(alias)} END`;
}

/** A ledger entry (audit_logs row `a`) as a pending change's columns, all but user_json. */
function ledgerChangeColumns(a: string): string {
  return `${a}.id AS ord,
    CASE WHEN ${a}.action = 'user.session_recorded' THEN 'user.updated' ELSE ${a}.action END AS type,
    ${a}.created_at AS occurred_at, ${a}.target_id::uuid AS didit_internal_id, ${a}.details->>'vendor_data' AS vendor_data,
    coalesce(${a}.details->'changes', '{}'::jsonb) AS changes,
    CASE WHEN ${a}.action = 'user.status_changed' THEN ${a}.details->>'reason' END AS reason,
    jsonb_build_object('type', ${a}.actor_type, 'id', ${a}.actor_id) AS actor,
    CASE WHEN ${a}.details ? 'revert_of' THEN jsonb_build_object('kind', 'revert', 'id', ${a}.details->>'revert_of')
         WHEN ${a}.details ? 'import_id' THEN jsonb_build_object('kind', 'import', 'id', ${a}.details->>'import_id')
         WHEN ${a}.details ? 'bulk_action_id' THEN jsonb_build_object('kind', 'bulk', 'id', ${a}.details->>'bulk_action_id')
         WHEN ${a}.action = 'user.session_recorded' THEN jsonb_build_object('kind', 'session', 'id', ${a}.details->>'session_id')
         WHEN ${a}.actor_type = 'api_key' THEN jsonb_build_object('kind', 'api', 'id', NULL)
         ELSE jsonb_build_object('kind', 'console', 'id', NULL) END AS source`;
}

/**
 * CTEs `feed_pending`, `feed_counter` and `feed` that number the rows of `pendingSql` (columns: ord, type,
 * occurred_at, didit_internal_id, vendor_data, changes, reason, actor, source, user_json; `ord` orders them) and insert them into user_changes. `appId` is an SQL expression.
 * The counter is an upsert: an application's first change creates its row.
 */
export function feedCtes(appId: string, pendingSql: string): string {
  return `feed_pending AS MATERIALIZED (${pendingSql}
), feed_counter AS (
  INSERT INTO app_change_counters AS c (app_id, last_seq)
  SELECT ${appId}, count(*) FROM feed_pending HAVING count(*) > 0
  ON CONFLICT (app_id) DO UPDATE SET last_seq = c.last_seq + excluded.last_seq
  RETURNING c.last_seq
), feed AS (
  INSERT INTO user_changes (app_id, seq, type, occurred_at, didit_internal_id, vendor_data, changes, reason, actor, source, user_json)
  SELECT ${appId}, k.last_seq - (SELECT count(*) FROM feed_pending) + row_number() OVER (ORDER BY p.ord),
         p.type, p.occurred_at, p.didit_internal_id, p.vendor_data, p.changes, p.reason, p.actor, p.source, p.user_json
    FROM feed_pending p, feed_counter k
  RETURNING seq
)`;
}

/** The ledger entries of `ledgerAlias` (a CTE with audit_logs' columns) joined to the new user rows of `usersAlias`. */
export function ledgerPendingSql(ledgerAlias: string, usersAlias: string): string {
  return `SELECT ${ledgerChangeColumns('a')}, ${userJsonOrNull('u')} AS user_json
    FROM ${ledgerAlias} a LEFT JOIN ${usersAlias} u ON u.didit_internal_id = a.target_id::uuid`;
}

const publishLedgerSql = `
WITH ${feedCtes(
  '$1::uuid',
  `SELECT ${ledgerChangeColumns('a')}, ${userJsonOrNull('u')} AS user_json
     FROM audit_logs a LEFT JOIN users u ON u.app_id = $1::uuid AND u.didit_internal_id = a.target_id::uuid
    WHERE a.id = ANY($2::bigint[]) AND a.app_id = $1::uuid AND a.target_type = 'user'`,
)}
SELECT count(*)::int AS published FROM feed`;

/**
 * Publishes ledger entries this transaction wrote (user.created, user.updated, user.status_changed,
 * user.deleted, user.session_recorded) as changes, in entry order, with each user as it is now.
 */
export async function publishLedgerEntries(db: Runner, appId: string, auditIds: readonly (string | number)[]): Promise<void> {
  if (auditIds.length === 0) return;
  await run(db, publishLedgerSql, [appId, auditIds.map(String)]);
}

export type ChangeType = 'user.created' | 'user.updated' | 'user.status_changed' | 'user.deleted' | 'user.erased';
export type ChangeSourceKind = 'api' | 'console' | 'import' | 'revert' | 'bulk' | 'session';

export interface UserChangeInput {
  type: ChangeType;
  didit_internal_id: string;
  vendor_data: string;
  changes?: Record<string, { from: unknown; to: unknown }>;
  reason?: string | null;
  actor: { type: 'operator' | 'api_key' | 'system'; id: string | null };
  source: { kind: ChangeSourceKind; id: string | null };
}

const publishChangesSql = `
WITH ${feedCtes(
  '$1::uuid',
  `SELECT r.ord, r.type, now() AS occurred_at, r.didit_internal_id, r.vendor_data, coalesce(r.changes, '{}'::jsonb) AS changes, r.reason, r.actor, r.source,
          ${userJsonOrNull('u')} AS user_json
     FROM jsonb_to_recordset($2::jsonb) AS r(ord int, type text, didit_internal_id uuid, vendor_data text, changes jsonb, reason text, actor jsonb, source jsonb)
     LEFT JOIN users u ON u.app_id = $1::uuid AND u.didit_internal_id = r.didit_internal_id`,
)}
SELECT count(*)::int AS published FROM feed`;

/** Publishes changes given whole (for writes whose ledger entry is not per user), with each user as it is now. */
export async function publishUserChanges(db: Runner, appId: string, changes: readonly UserChangeInput[]): Promise<void> {
  if (changes.length === 0) return;
  await run(db, publishChangesSql, [appId, JSON.stringify(changes.map((change, ord) => ({ ord, ...change })))]);
}

/** A page of the feed: the changes as the feed's JSON array text (built by PostgreSQL), and where it ends. */
export interface ChangePageRows {
  /** JSON array of changes, in the page's order. */
  json: string;
  count: number;
  /** The last seq in the page (null when empty). */
  last: number | null;
  hasMore: boolean;
  /** Every change at or below this seq was pruned (0: none). */
  prunedThrough: number;
  /** The application's newest seq (0 before its first change). */
  lastSeq: number;
}

/**
 * The page: its changes' JSON joined as stored (change_head, a generated column built once per change
 * by the migration 2026-12-08T0030-feed-change-head, plus user_json), so a read formats nothing per change.
 * One row more than the page is fetched to learn has_more; `n` numbers the rows in page order.
 */
function pageSql(descending: boolean): string {
  const where = descending ? 'c.seq < $2::bigint' : 'c.seq > $2::bigint';
  const order = descending ? 'DESC' : '';
  return `
WITH fetched AS MATERIALIZED (
  SELECT f.seq, f.change_head, f.user_json, row_number() OVER () AS n
    FROM (SELECT c.seq, c.change_head, c.user_json FROM user_changes c WHERE c.app_id = $1::uuid AND ${where} ORDER BY c.seq ${order} LIMIT $3::int + 1) f
)
SELECT coalesce('[' || string_agg(f.change_head || ',"user":' || coalesce(f.user_json::text, 'null') || '}', ',' ORDER BY f.n) FILTER (WHERE f.n <= $3::int) || ']', '[]') AS json,
       (count(*) FILTER (WHERE f.n <= $3::int))::int AS count,
       ${descending ? 'min' : 'max'}(f.seq) FILTER (WHERE f.n <= $3::int) AS last,
       count(*) > $3::int AS has_more,
       coalesce((SELECT pruned_through FROM app_change_counters WHERE app_id = $1::uuid), 0) AS pruned_through,
       coalesce((SELECT last_seq FROM app_change_counters WHERE app_id = $1::uuid), 0) AS last_seq
  FROM fetched f`;
}

const ascendingPageSql = pageSql(false);
const descendingPageSql = pageSql(true);

/** Changes after `after` in seq order, or (descending) before `before`, newest first; one statement, one snapshot. */
export async function readChangePage(db: Runner, appId: string, page: { after: number; limit: number } | { before: number; limit: number }): Promise<ChangePageRows> {
  const descending = 'before' in page;
  const values = [appId, String(descending ? page.before : page.after), page.limit];
  const text = descending ? descendingPageSql : ascendingPageSql;
  const [row] = await run<{ json: string; count: number; last: string | null; has_more: boolean; pruned_through: string; last_seq: string }>(db, text, values);
  return {
    json: row.json,
    count: row.count,
    last: row.last === null ? null : Number(row.last),
    hasMore: row.has_more,
    prunedThrough: Number(row.pruned_through),
    lastSeq: Number(row.last_seq),
  };
}

/** The application's counter as this snapshot sees it: newest seq and how far changes were pruned. */
export async function readChangeCounter(db: Runner, appId: string): Promise<{ lastSeq: number; prunedThrough: number }> {
  const text = 'SELECT last_seq, pruned_through FROM app_change_counters WHERE app_id = $1::uuid';
  const [row] = await run<{ last_seq: string; pruned_through: string }>(db, text, [appId]);
  return { lastSeq: Number(row?.last_seq ?? 0), prunedThrough: Number(row?.pruned_through ?? 0) };
}

const PRUNE_BATCH = 10_000;

/**
 * Deletes, per application, the oldest changes that occurred before `cutoff`: always a prefix of the
 * feed (up to the first change kept), so `pruned_through` says exactly which cursors lost changes.
 */
export async function pruneChanges(db: Runner, cutoff: Date, appId?: string): Promise<number> {
  // One application, or every application that keeps the default (docs/privacy.md#retention: one with its
  // own change_feed retention is pruned by the daily retention run).
  const apps = await run<{ app_id: string; pruned_through: string }>(
    db,
    `SELECT c.app_id, c.pruned_through FROM app_change_counters c JOIN applications a ON a.id = c.app_id
      WHERE CASE WHEN $1::uuid IS NULL THEN NOT (a.retention ? 'change_feed') ELSE c.app_id = $1::uuid END`,
    [appId ?? null],
  );
  let deleted = 0;
  for (const app of apps) {
    for (;;) {
      const [result] = await run<{ deleted: number; through: string | null }>(
        db,
        `WITH head AS MATERIALIZED (
           SELECT seq, occurred_at FROM user_changes WHERE app_id = $1::uuid AND seq > $2::bigint ORDER BY seq LIMIT ${PRUNE_BATCH}
         ), cut AS (
           SELECT coalesce((SELECT min(seq) - 1 FROM head WHERE occurred_at >= $3::timestamptz), (SELECT max(seq) FROM head)) AS through
         ), gone AS (
           DELETE FROM user_changes c USING cut WHERE c.app_id = $1::uuid AND c.seq > $2::bigint AND c.seq <= cut.through RETURNING c.seq
         ), moved AS (
           UPDATE app_change_counters SET pruned_through = greatest(pruned_through, (SELECT through FROM cut))
            WHERE app_id = $1::uuid AND (SELECT through FROM cut) > $2::bigint RETURNING pruned_through
         )
         SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT pruned_through FROM moved) AS through`,
        [app.app_id, app.pruned_through, cutoff.toISOString()],
      );
      deleted += result.deleted;
      if (!result || result.deleted < PRUNE_BATCH || result.through === null) break;
      app.pruned_through = result.through;
    }
  }
  return deleted;
}
