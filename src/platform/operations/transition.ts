import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type RawBuilder, sql, type Transaction } from 'kysely';
import { operationTransitions } from '../metrics.ts';
import { columnsOf, isFinal, type OperationKind, type OperationsDb, predecessorsOf, type TransitionAudit } from './operation-kind.ts';

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
  const from = checkedFrom(kind, change);
  if (from.length === 0) return false;
  const action = change.audit ? kind.audit.actions[change.to] : undefined;
  if (action && !db.isTransaction) return db.transaction().execute((trx) => transition(trx, kind, ref, change));

  const update = buildUpdate(db, kind, ref, change, from);
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

/**
 * transition() for many rows of one kind that make the same move with the same columns (a lease taken
 * on a batch, a batch of outcomes): one UPDATE instead of one per row. `ids` may be a parenthesised
 * subquery of ids (e.g. rows locked FOR UPDATE SKIP LOCKED), so a claim is a single statement. Not audited (a move that must be
 * audited goes through transition()). Answers the ids this call moved; the others were not in a state to.
 */
export async function transitionMany<Status extends string, Actor>(
  db: OperationsDb,
  kind: OperationKind<Status, Actor>,
  refs: { ids: readonly string[] | RawBuilder<unknown>; appId?: string },
  change: Omit<TransitionChange<Status, Actor>, 'audit'>,
): Promise<string[]> {
  const from = checkedFrom(kind, change);
  if (from.length === 0 || (Array.isArray(refs.ids) && refs.ids.length === 0)) return [];
  const rows = await buildUpdate(db, kind, { id: refs.ids, appId: refs.appId }, change, from).returning('id').execute();
  if (rows.length > 0) operationTransitions.inc({ kind: kind.name, to: change.to }, rows.length);
  return rows.map((row) => (row as { id: string }).id);
}

/** The guarded UPDATE of a transition (shared by transition(), transitionMany() and transitionOnClient()). */
function buildUpdate<Status extends string>(db: OperationsDb, kind: OperationKind<Status, any>, ref: Omit<OperationRef, 'id'> & { id: string | readonly string[] | RawBuilder<unknown> }, change: TransitionChange<Status, any>, from: readonly Status[]) {
  const columns = columnsOf(kind);
  const stamp: Record<string, unknown> = {};
  const active = kind.working.includes(change.to) || kind.waiting.includes(change.to);
  if (active) stamp[columns.heartbeat] = sql`now()`;
  // The work ended when it first entered an ended state (completed → expired keeps its end).
  const ended = kind.ended ? kind.ended.includes(change.to) : isFinal(kind, change.to);
  if (ended && columns.finished) stamp[columns.finished] = sql`coalesce(${sql.ref(columns.finished)}, now())`;
  let update = db
    .updateTable(kind.table)
    .set({ ...stamp, ...change.set, [columns.status]: change.to })
    .where('id', typeof ref.id === 'string' ? '=' : 'in', ref.id)
    .where(columns.status, 'in', from);
  if (ref.appId !== undefined) update = update.where('app_id', '=', ref.appId);
  for (const [column, value] of Object.entries(change.where ?? {})) update = value === null ? update.where(column, 'is', null) : update.where(column, '=', value);
  return update;
}

function checkedFrom<Status extends string>(kind: OperationKind<Status, any>, change: TransitionChange<Status, any>): readonly Status[] {
  const allowed = predecessorsOf(kind, change.to);
  const from = change.from ?? allowed;
  const illegal = from.filter((state) => !allowed.includes(state));
  if (illegal.length > 0) throw new Error(`operation ${kind.name}: ${illegal.join(', ')} → ${change.to} is not an allowed transition (docs/operations.md)`);
  return from;
}

/** Builds SQL only, never connects: for transitionOnClient. */
const compiler = new Kysely<any>({
  dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() },
});

/**
 * transition() on a raw pg client, inside the transaction that client holds (import validation
 * stages its rows and moves to `ready` on one connection). Not audited: use transition() for that.
 */
export async function transitionOnClient<Status extends string>(
  client: { query(text: string, values: readonly unknown[]): Promise<{ rowCount: number | null }> },
  kind: OperationKind<Status, any>,
  ref: OperationRef,
  change: Omit<TransitionChange<Status, any>, 'audit'>,
): Promise<boolean> {
  const compiled = buildUpdate(compiler, kind, ref, change, checkedFrom(kind, change)).compile();
  const moved = (await client.query(compiled.sql, compiled.parameters)).rowCount === 1;
  if (moved) operationTransitions.inc({ kind: kind.name, to: change.to });
  return moved;
}
