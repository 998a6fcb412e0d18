import { sql } from 'kysely';
import { z } from 'zod';
import { defineJob, type JobDefinition } from '../jobs/jobs.ts';
import { columnsOf, type OperationKind, type OperationsDb } from './operation-kind.ts';

/** A working operation silent this long lost its worker for good (its heartbeat is every HEARTBEAT_MS = 5 s). */
export const WORKING_SILENT_MS = 15 * 60 * 1000;
/** A waiting (queued) operation untouched this long lost its job (pg-boss keeps and retries jobs for less). */
export const WAITING_SILENT_MS = 24 * 3600 * 1000;
const BATCH = 100;

export interface SilentOperation {
  id: string;
  status: string;
}

/** What a feature gives the one sweeper for one kind of work. */
export interface OperationUpkeep<Ctx> {
  kind: OperationKind<string, any>;
  /** Ends silent operations the kind's way (a failed transition with its error, mail, file clean-up). */
  failSilent(ctx: Ctx, silent: SilentOperation[]): Promise<void>;
  /** Deletes the kind's files past retention; answers how many. */
  retention?(ctx: Ctx, now: Date): Promise<number>;
}

export interface SweepReport {
  failed: Record<string, number>;
  filesDeleted: Record<string, number>;
}

/** Operations of a kind whose heartbeat is older than the rule for their state. */
export async function findSilentOperations(db: OperationsDb, kind: OperationKind<string, any>, now: Date): Promise<SilentOperation[]> {
  const columns = columnsOf(kind);
  const rule = (states: readonly string[], silentMs: number) =>
    states.length === 0
      ? []
      : db
          .selectFrom(kind.table)
          .select(['id', sql<string>`${sql.ref(columns.status)}::text`.as('status')])
          .where(columns.status, 'in', states)
          // A row never stamped counts from its creation (every operation table has created_at).
          .where(sql<Date>`coalesce(${sql.ref(columns.heartbeat)}, created_at)`, '<', new Date(now.getTime() - silentMs))
          .limit(BATCH)
          .execute() as Promise<SilentOperation[]>;
  return [...(await rule(kind.working, WORKING_SILENT_MS)), ...(await rule(kind.waiting, WAITING_SILENT_MS))];
}

/** One pass of the one sweeper over every kind: dead work failed, files past retention deleted. */
export async function sweepOperations<Ctx extends { db: OperationsDb }>(ctx: Ctx, upkeeps: readonly OperationUpkeep<Ctx>[], now = new Date()): Promise<SweepReport> {
  const report: SweepReport = { failed: {}, filesDeleted: {} };
  for (const upkeep of upkeeps) {
    const silent = await findSilentOperations(ctx.db, upkeep.kind, now);
    if (silent.length > 0) await upkeep.failSilent(ctx, silent);
    report.failed[upkeep.kind.name] = silent.length;
    if (upkeep.retention) report.filesDeleted[upkeep.kind.name] = await upkeep.retention(ctx, now);
  }
  return report;
}

/** Names of the sweepers this one replaced; their pg-boss schedules are removed at start. */
export const RETIRED_SWEEP_JOBS: string[] = ['files.retention', 'face-imports.sweep', 'imports.sweep'];

export function operationsSweepJob<Ctx extends { db: OperationsDb; log: { info(line: string): void } }>(upkeeps: () => readonly OperationUpkeep<Ctx>[]): JobDefinition<Record<string, never>, Ctx> {
  return defineJob<Record<string, never>, Ctx>({
    name: 'operations.sweep',
    payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
    schedule: '*/5 * * * *',
    queue: { retryLimit: 1, retryDelay: 60, expireInSeconds: 3600 },
    work: { pollingIntervalSeconds: 2 },
    async handle(_payload, ctx) {
      const report = await sweepOperations(ctx, upkeeps());
      const said = [
        ...Object.entries(report.failed).filter(([, n]) => n > 0).map(([kind, n]) => `failed ${n} silent ${kind}(s)`),
        ...Object.entries(report.filesDeleted).filter(([, n]) => n > 0).map(([kind, n]) => `deleted ${n} ${kind} file(s)`),
      ];
      if (said.length > 0) ctx.log.info(`operations sweep: ${said.join('; ')}`);
    },
  });
}
