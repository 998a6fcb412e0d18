import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ExportSchedulesTable, ScheduleRunDelivery } from './schedules.tables.ts';

/** SQL over export_schedules and export_schedule_runs; every query names the application. */
type Db = Kysely<Database> | Transaction<Database>;

export type ScheduleRecord = Selectable<ExportSchedulesTable>;

export interface ScheduleValues {
  name: string;
  cron: string;
  timezone: string;
  format: string;
  compression: string;
  filters: Record<string, unknown>;
  columns: string[] | null;
  incremental: boolean;
  destination_url: string | null;
  destination_access_key_id: string | null;
  destination_secret_sealed: string | null;
  next_run_at: Date;
}

export async function insertSchedule(db: Db, appId: string, createdBy: string, values: ScheduleValues): Promise<ScheduleRecord> {
  return db
    .insertInto('export_schedules')
    .values({ ...values, filters: JSON.stringify(values.filters), app_id: appId, created_by: createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateSchedule(db: Db, appId: string, id: string, values: Partial<ScheduleValues>): Promise<ScheduleRecord | undefined> {
  const { filters, ...rest } = values;
  return db
    .updateTable('export_schedules')
    .set({ ...rest, ...(filters === undefined ? {} : { filters: JSON.stringify(filters) }), updated_at: new Date() })
    .where('app_id', '=', appId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSchedule(db: Db, appId: string, id: string): Promise<boolean> {
  const result = await db.updateTable('export_schedules').set({ deleted_at: new Date() }).where('app_id', '=', appId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findSchedule(db: Db, appId: string, id: string): Promise<ScheduleRecord | undefined> {
  return db.selectFrom('export_schedules').selectAll().where('app_id', '=', appId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

export async function listSchedules(db: Db, appId: string): Promise<ScheduleRecord[]> {
  return db.selectFrom('export_schedules').selectAll().where('app_id', '=', appId).where('deleted_at', 'is', null).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

/**
 * Due schedules, locked for this transaction and skipped by any other process's tick: together with
 * the (schedule_id, tick_at) key of runs, a tick runs once however many workers look at once.
 */
export async function lockDueSchedules(trx: Transaction<Database>, now: Date, limit = 50): Promise<ScheduleRecord[]> {
  return trx
    .selectFrom('export_schedules')
    .selectAll()
    .where('deleted_at', 'is', null)
    .where('next_run_at', '<=', now)
    .orderBy('next_run_at', 'asc')
    .limit(limit)
    // NO KEY UPDATE: the run rows inserted meanwhile (their key check on the schedule) do not wait for it.
    .forNoKeyUpdate()
    .skipLocked()
    .execute();
}

export async function setNextRun(trx: Transaction<Database>, appId: string, id: string, nextRunAt: Date): Promise<void> {
  await trx.updateTable('export_schedules').set({ next_run_at: nextRunAt }).where('app_id', '=', appId).where('id', '=', id).execute();
}

export interface RunValues {
  exportId: string;
  scheduleId: string;
  appId: string;
  tickAt: Date | null;
  sinceSeq: number | null;
  delivery: ScheduleRunDelivery;
  destinationPrefix: string | null;
}

/** Records a run; false when the tick already has one (another process got there first). */
export async function insertRun(trx: Transaction<Database>, run: RunValues): Promise<boolean> {
  const result = await trx
    .insertInto('export_schedule_runs')
    .values({ export_id: run.exportId, schedule_id: run.scheduleId, app_id: run.appId, tick_at: run.tickAt, since_seq: run.sinceSeq, delivery: run.delivery, destination_prefix: run.destinationPrefix })
    .onConflict((conflict) => conflict.columns(['schedule_id', 'tick_at']).doNothing())
    .returning('export_id')
    .executeTakeFirst();
  return result !== undefined;
}

/** Whether the schedule has a run whose export or delivery has not finished (an incremental chain waits for it). */
export async function hasRunInFlight(db: Db, appId: string, scheduleId: string): Promise<boolean> {
  const row = await db
    .selectFrom('export_schedule_runs as r')
    .innerJoin('exports as e', 'e.id', 'r.export_id')
    .select('r.export_id')
    .where('r.app_id', '=', appId)
    .where('r.schedule_id', '=', scheduleId)
    .where((eb) => eb.or([eb('e.status', 'in', ['queued', 'running']), eb('r.delivery', '=', 'pending')]))
    .executeTakeFirst();
  return row !== undefined;
}

export interface RunView {
  export_id: string;
  tick_at: Date | null;
  since_seq: number | null;
  delivery: ScheduleRunDelivery;
  destination_prefix: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  export_status: string;
  row_count: number | null;
  export_error: string | null;
}

export async function listRuns(db: Db, appId: string, scheduleId: string, limit = 20): Promise<RunView[]> {
  return db
    .selectFrom('export_schedule_runs as r')
    .innerJoin('exports as e', 'e.id', 'r.export_id')
    .select(['r.export_id', 'r.tick_at', 'r.since_seq', 'r.delivery', 'r.destination_prefix', 'r.error', 'r.created_at', 'r.finished_at', 'e.status as export_status', 'e.row_count', 'e.error as export_error'])
    .where('r.app_id', '=', appId)
    .where('r.schedule_id', '=', scheduleId)
    .orderBy('r.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Runs whose export has ended and whose delivery is still to do, oldest first (any application: the delivery job's own scan). */
export async function findRunsToFinish(db: Db, limit = 20): Promise<{ export_id: string; schedule_id: string; app_id: string; destination_prefix: string | null; export_status: string }[]> {
  return db
    .selectFrom('export_schedule_runs as r')
    .innerJoin('exports as e', 'e.id', 'r.export_id')
    .select(['r.export_id', 'r.schedule_id', 'r.app_id', 'r.destination_prefix', 'e.status as export_status'])
    .where('r.delivery', '=', 'pending')
    .where('e.status', 'not in', ['queued', 'running'])
    .orderBy('r.created_at', 'asc')
    .limit(limit)
    .execute();
}

/**
 * Ends a run. A delivered run moves the schedule's incremental start to its as_of_seq, never backwards,
 * in the same transaction, so the chain has no gap and no overlap.
 */
export async function finishRun(db: Kysely<Database>, appId: string, exportId: string, outcome: { delivery: 'delivered' | 'failed' | 'none'; error?: string; asOfSeq?: number | null }): Promise<{ scheduleId: string } | undefined> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .updateTable('export_schedule_runs')
      .set({ delivery: outcome.delivery, error: outcome.error ?? null, finished_at: new Date() })
      .where('app_id', '=', appId)
      .where('export_id', '=', exportId)
      .where('delivery', '=', 'pending')
      .returning('schedule_id')
      .executeTakeFirst();
    if (!run) return undefined;
    if (outcome.delivery !== 'failed' && outcome.asOfSeq !== undefined && outcome.asOfSeq !== null) {
      await trx
        .updateTable('export_schedules')
        .set({ last_success_as_of_seq: sql<number>`greatest(coalesce(last_success_as_of_seq, 0), ${outcome.asOfSeq}::bigint)` })
        .where('app_id', '=', appId)
        .where('id', '=', run.schedule_id)
        .execute();
    }
    return { scheduleId: run.schedule_id };
  });
}
