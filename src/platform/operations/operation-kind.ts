import type { Kysely, Transaction } from 'kysely';
import type { AuditAction } from '../../shared/audit-actions.ts';

/** Any database handle; the lifecycle names tables by string, each kind says which. */
export type OperationsDb = Kysely<any> | Transaction<any>;

/** The audit entry a transition writes, less what the kind fills in (action, target). */
export interface TransitionAudit<Actor> {
  orgId: string;
  appId?: string | null;
  actor: Actor;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * One kind of long-running work (an export, a face import, …): where its rows live, its states and
 * the transitions allowed between them. docs/operations.md draws the shared diagram and the rules.
 */
export interface OperationKind<Status extends string, Actor = unknown> {
  /** Metrics label and log name: `export`, `face_import`, `import`, `import_revert`, `bulk_action`. */
  name: string;
  /** The table holding one row per operation (its `id` is the operation's id). */
  table: string;
  /** Defaults: `status`, `heartbeat_at`, `finished_at` (set on entering a final state; null: none). */
  statusColumn?: string;
  heartbeatColumn?: string;
  finishedColumn?: string | null;
  /** From each state, the states it may move to. A state with no way out is final. */
  transitions: { readonly [S in Status]: readonly Status[] };
  /** Waiting for a worker (queued): swept only after WAITING_SILENT_MS (docs/operations.md). */
  waiting: readonly Status[];
  /** Held by a worker that heartbeats every HEARTBEAT_MS: swept after WORKING_SILENT_MS of silence. */
  working: readonly Status[];
  /** The audit entry of a transition into a state (none: that transition is not audited). */
  audit: {
    targetType: string;
    actions: Partial<Record<Status, AuditAction>>;
    /** The audit feature's writer, in the transition's transaction. */
    record(db: Transaction<any>, entry: TransitionAudit<Actor> & { action: AuditAction; target: { type: string; id: string }; outcome: 'success' | 'failure' }): Promise<void>;
  };
  /** States in which the work has ended: entering one stamps `finished_at` (once). Default: the final states. */
  ended?: readonly Status[];
  /** States whose audit entry has outcome `failure`. */
  failures?: readonly Status[];
}

/**
 * The states of work that resumes from its checkpoint: `queued → running → completed | failed`, where
 * `running → running` is a retry taking over from a worker that died, and a failed run may be asked for
 * again (`failed → queued`) and resumes where it stopped (docs/operations.md). Reverts and erasures.
 */
export const resumableStates = {
  transitions: { queued: ['running', 'failed'], running: ['running', 'completed', 'failed'], completed: [], failed: ['queued'] },
  waiting: ['queued'],
  working: ['running'],
  ended: ['completed', 'failed'],
  failures: ['failed'],
} as const;

export function defineOperationKind<Status extends string, Actor>(kind: OperationKind<Status, Actor>): OperationKind<Status, Actor> {
  for (const [from, next] of Object.entries(kind.transitions) as [Status, readonly Status[]][]) {
    for (const to of next) {
      if (!(to in kind.transitions)) throw new Error(`operation kind ${kind.name}: ${from} → ${to} names an unknown state`);
    }
  }
  return kind;
}

export const columnsOf = (kind: OperationKind<string, any>) => ({
  status: kind.statusColumn ?? 'status',
  heartbeat: kind.heartbeatColumn ?? 'heartbeat_at',
  finished: kind.finishedColumn === undefined ? 'finished_at' : kind.finishedColumn,
});

/** States that may move into `to`. */
export function predecessorsOf<Status extends string>(kind: OperationKind<Status, any>, to: Status): Status[] {
  return (Object.entries(kind.transitions) as [Status, readonly Status[]][]).filter(([, next]) => next.includes(to)).map(([from]) => from);
}

export const isFinal = <Status extends string>(kind: OperationKind<Status, any>, status: Status): boolean => kind.transitions[status].length === 0;
