import { sql, type Transaction } from 'kysely';
import { operationTransitions } from '../metrics.ts';
import { columnsOf, type OperationKind, type OperationsDb, predecessorsOf, type TransitionAudit } from './operation-kind.ts';

export interface TransitionChange<Status extends string, Actor> {
  to: Status;
  /** Narrows the states it may come from (default: every state allowed to move to `to`). */
  from?: readonly Status[];
  /** Other columns written in the same update (counts, error, keys). */
  set?: Record<string, unknown>;
  /** More conditions the row must meet, e.g. the attempt that owns it: `{ attempt_key: key }`. */
  where?: Record<string, unknown>;
  /** Written in the same transaction when the kind audits transitions into `to`. */
  audit?: TransitionAudit<Actor>;
}

export interface OperationRef {
  id: string;
  /** The tenant, when the caller knows it: the update is confined to it. */
  appId?: string;
}

/**
 * The only writer of an operation's status. Moves the row into `to` if it is in one of the allowed
 * states (and meets `where`), stamps the heartbeat (or the end), writes the transition's audit entry in
 * the same transaction and counts it. Answers whether this call made the move: a duplicate job, a
 * cancelled or swept operation, or a stale attempt gets `false` and must stop.
 */
export async function transition<Status extends string, Actor>(
  db: OperationsDb,
  kind: OperationKind<Status, Actor>,
  ref: OperationRef,
  change: TransitionChange<Status, Actor>,
): Promise<boolean> {
  const allowed = predecessorsOf(kind, change.to);
  const from = change.from ?? allowed;
  const illegal = from.filter((state) => !allowed.includes(state));
  if (illegal.length > 0) throw new Error(`operation ${kind.name}: ${illegal.join(', ')} → ${change.to} is not an allowed transition (docs/operations.md)`);
  if (from.length === 0) return false;
  const action = change.audit ? kind.audit.actions[change.to] : undefined;
  if (action && !db.isTransaction) return db.transaction().execute((trx) => transition(trx, kind, ref, change));

  const columns = columnsOf(kind);
  const stamp: Record<string, unknown> = {};
  const active = kind.working.includes(change.to) || kind.waiting.includes(change.to);
  if (active) stamp[columns.heartbeat] = sql`now()`;
  // The work ended when it first left the active states (completed → expired keeps its end).
  else if (columns.finished) stamp[columns.finished] = sql`coalesce(${sql.ref(columns.finished)}, now())`;
  let update = db
    .updateTable(kind.table)
    .set({ ...stamp, ...change.set, [columns.status]: change.to })
    .where('id', '=', ref.id)
    .where(columns.status, 'in', from);
  if (ref.appId !== undefined) update = update.where('app_id', '=', ref.appId);
  for (const [column, value] of Object.entries(change.where ?? {})) update = value === null ? update.where(column, 'is', null) : update.where(column, '=', value);
  const moved = Number((await update.executeTakeFirst()).numUpdatedRows) === 1;
  if (!moved) return false;
  if (action && change.audit) {
    await kind.audit.record(db as Transaction<any>, {
      ...change.audit,
      action,
      target: { type: kind.audit.targetType, id: ref.id },
      outcome: kind.failures?.includes(change.to) ? 'failure' : 'success',
    });
  }
  operationTransitions.inc({ kind: kind.name, to: change.to });
  return true;
}
