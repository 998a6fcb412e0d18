import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ActorType, AuditAction } from '../../shared/audit-actions.ts';
import type { Principal } from '../auth/index.ts';
import { eraseChanges, eraseInJson, likePatterns, type Needles } from '../../platform/erasure/erase-values.ts';

/**
 * The only module that writes audit_logs (docs/architecture.md, "Audit"): `recordAudit` for one entry,
 * `auditInsertSql` / `auditInsertQuery` for the set-based writers that add one entry per user inside
 * the statement that changes the users (import run and revert, user create, bulk actions).
 */

export interface SystemActor {
  kind: 'system';
  label: string;
}

export const systemActor = (label = 'roster'): SystemActor => ({ kind: 'system', label });

/** Who acts, in the one shape every writer of the trail takes. */
export interface AuditActor {
  type: ActorType;
  id: string | null;
  label: string;
}

export function auditActorOf(actor: Principal | SystemActor | AuditActor): AuditActor {
  if ('type' in actor) return actor;
  if (actor.kind === 'operator') return { type: 'operator', id: actor.operatorId, label: actor.email };
  if (actor.kind === 'api_key') return { type: 'api_key', id: actor.keyId, label: `api key ${actor.keyPrefix}` };
  return { type: 'system', id: null, label: actor.label };
}

export interface AuditEntry {
  orgId: string;
  appId?: string | null;
  actor: Principal | SystemActor | AuditActor;
  action: AuditAction;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  outcome?: 'success' | 'failure';
  ip?: string | null;
  /** The users a read showed, when it showed several (a list page): docs/privacy.md#reads-on-record. */
  subjects?: readonly string[];
}

/** One entry as its audit_logs row. */
function auditRow(entry: AuditEntry) {
  const actor = auditActorOf(entry.actor);
  return {
    org_id: entry.orgId,
    app_id: entry.appId ?? null,
    actor_type: actor.type,
    actor_id: actor.id,
    actor_label: actor.label,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target?.id ?? null,
    details: JSON.stringify(entry.details ?? {}),
    outcome: entry.outcome ?? 'success',
    ip: entry.ip ?? null,
    subject_ids: entry.subjects && entry.subjects.length > 0 ? [...entry.subjects] : null,
  };
}

/**
 * Writes one audit entry; pass the caller's transaction so the entry commits (or not) with the change.
 * Returns the entry's id (a user.* entry is then published to the change feed by its id).
 */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<string> {
  const row = await db
    .insertInto('audit_logs')
    .values(auditRow(entry))
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const listener of listeners.get(entry.action) ?? []) await listener(db, entry);
  return String(row.id);
}

/**
 * Writes many entries in one INSERT (reads on record, docs/privacy.md#reads-on-record). Only for actions no
 * listener acts on: those are written one by one by recordAudit, in their change's transaction.
 */
export async function recordAuditBatch(db: Kysely<Database> | Transaction<Database>, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  for (const entry of entries) if (listeners.has(entry.action)) throw new Error(`audit action ${entry.action} has listeners: write it with recordAudit`);
  await db.insertInto('audit_logs').values(entries.map(auditRow)).execute();
}

type AuditListener = (db: Kysely<Database> | Transaction<Database>, entry: AuditEntry) => Promise<void>;
const listeners = new Map<AuditAction, AuditListener[]>();

/**
 * Lets another feature act on an audited event in the same transaction as its entry: an import's or
 * export's end becomes a webhook event that commits (or not) with it (docs/webhooks.md, "Delivery").
 */
export function onAudited(actions: readonly AuditAction[], listener: AuditListener): void {
  for (const action of actions) listeners.set(action, [...(listeners.get(action) ?? []), listener]);
}

/** An action as a SQL literal, for CASE expressions of set-based writers (typed, so only catalogued actions). */
export function auditActionSql(action: AuditAction): string {
  return `'${action}'`;
}

const columns = ['org_id', 'app_id', 'actor_type', 'actor_id', 'actor_label', 'action', 'target_type', 'target_id', 'details', 'batch_id', 'outcome', 'ip'] as const;
type AuditColumn = (typeof columns)[number];

/** One SELECT of a set-based write, as SQL text: each column's expression, then its FROM … WHERE …. */
export type AuditRowsSql = Record<Exclude<AuditColumn, 'batch_id' | 'outcome' | 'ip'>, string> & Partial<Record<'batch_id' | 'outcome' | 'ip', string>> & { from: string };

const defaults = { batch_id: 'NULL::uuid', outcome: `'success'`, ip: 'NULL::text' };

/** `INSERT INTO audit_logs … SELECT … [UNION ALL SELECT …] RETURNING id`, for statements written as text (pg). */
export function auditInsertSql(selects: AuditRowsSql[], returning = 'id'): string {
  const body = selects.map((select) => `SELECT ${columns.map((column) => ({ ...defaults, ...select })[column]).join(', ')}\n    ${select.from}`).join('\n  UNION ALL\n  ');
  return `INSERT INTO audit_logs (${columns.join(', ')})\n  ${body}\n  RETURNING ${returning}`;
}

/** The same for statements built with Kysely's `sql`: values are parameters, expressions are SQL. */
export function auditInsertQuery(select: Record<Exclude<AuditColumn, 'batch_id'>, RawBuilder<unknown>> & { from: RawBuilder<unknown> }): RawBuilder<unknown> {
  const selected = columns.filter((column) => column !== 'batch_id');
  return sql`INSERT INTO audit_logs (${sql.raw(selected.join(', '))})
    SELECT ${sql.join(selected.map((column) => select[column]))}
    ${select.from}
    RETURNING id`;
}

/**
 * One batch of an erasure's pass over the organization's trail (docs/privacy.md#erasure), after entry
 * `afterId`: entries about the user get the personal fields of their `changes` replaced by "[erased]";
 * every entry about something other than a user (an export's search filter, an edited import row) gets
 * any string naming the person replaced. The entries themselves stay: who did what, when. Answers the
 * last id examined, how many entries were rewritten, and the imports the user's entries name.
 */
export async function eraseAuditBatch(
  trx: Kysely<Database> | Transaction<Database>,
  scope: { orgId: string; userId: string; needles: Needles; personalFields: readonly string[] },
  afterId: number,
  limit: number,
): Promise<{ last: number | null; rewritten: number; importIds: string[] }> {
  const patterns = likePatterns(scope.needles);
  const { rows } = await sql<{ id: string; target_type: string | null; target_id: string | null; details: Record<string, unknown> }>`
    SELECT id, target_type, target_id, details FROM audit_logs
     WHERE org_id = ${scope.orgId}::uuid AND id > ${afterId}::bigint
       AND ((target_type = 'user' AND target_id = ${scope.userId})
            OR (target_type IS DISTINCT FROM 'user' AND cardinality(${patterns}::text[]) > 0 AND details::text ILIKE ANY(${patterns}::text[])))
     ORDER BY id LIMIT ${limit}::int`.execute(trx);
  let rewritten = 0;
  const importIds = new Set<string>();
  for (const row of rows) {
    const aboutUser = row.target_type === 'user';
    for (const key of ['import_id', 'revert_of']) if (aboutUser && typeof row.details[key] === 'string') importIds.add(row.details[key] as string);
    const details = aboutUser ? { ...row.details, changes: eraseChanges(row.details.changes, scope.personalFields) } : row.details;
    if (aboutUser && row.details.changes === undefined) delete details.changes;
    const erased = eraseInJson(details, scope.needles);
    if (JSON.stringify(erased) === JSON.stringify(row.details)) continue;
    await sql`UPDATE audit_logs SET details = ${JSON.stringify(erased)}::jsonb WHERE id = ${row.id}::bigint`.execute(trx);
    rewritten++;
  }
  return { last: rows.length === 0 ? null : Number(rows[rows.length - 1]!.id), rewritten, importIds: [...importIds] };
}

/** Every value a personal text field of the user held in the trail's `changes` (an email changed since, a former name). */
export async function personalValuesInTrail(db: Kysely<Database> | Transaction<Database>, orgId: string, userId: string, fields: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ value: string }>`
    SELECT DISTINCT c.value->>side AS value
      FROM audit_logs a, jsonb_each(CASE WHEN jsonb_typeof(a.details->'changes') = 'object' THEN a.details->'changes' ELSE '{}'::jsonb END) c, unnest(ARRAY['from', 'to']) side
     WHERE a.target_id = ${userId} AND a.target_type = 'user' AND a.org_id = ${orgId}::uuid
       AND c.key = ANY(${[...fields]}::text[]) AND jsonb_typeof(c.value->side) = 'string'`.execute(db);
  return rows.map((row) => row.value);
}

/** An application's retention for the audit log (docs/privacy.md#retention): its entries older than `before` go, in batches. */
export async function pruneAuditBefore(db: Kysely<Database>, appId: string, before: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { numAffectedRows } = await sql`
      DELETE FROM audit_logs WHERE id IN (SELECT id FROM audit_logs WHERE app_id = ${appId}::uuid AND created_at < ${before} ORDER BY id LIMIT 5000)`.execute(db);
    const count = Number(numAffectedRows ?? 0);
    deleted += count;
    if (count < 5000) return deleted;
  }
}
