import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** Where each scheduled run's export went (docs/export-schedules.md): for a subject-access package's recipients. */
export interface ScheduledDelivery {
  export_id: string;
  schedule_id: string;
  schedule_name: string;
  /** The destination as configured now (its credentials are never shown); null: the files stayed in Roster. */
  destination_url: string | null;
  destination_prefix: string | null;
  delivery: string;
  finished_at: Date | null;
}

export async function listScheduledDeliveries(db: Kysely<Database>, appId: string): Promise<ScheduledDelivery[]> {
  return db
    .selectFrom('export_schedule_runs as r')
    .innerJoin('export_schedules as s', 's.id', 'r.schedule_id')
    .select(['r.export_id', 'r.schedule_id', 's.name as schedule_name', 's.destination_url', 'r.destination_prefix', 'r.delivery', 'r.finished_at'])
    .where('r.app_id', '=', appId)
    .where('s.app_id', '=', appId)
    .execute();
}

/** The buckets an application's schedules deliver to now: recipients in its record of processing (docs/privacy.md). */
export function listScheduleDestinations(db: Kysely<Database>, appId: string) {
  return db.selectFrom('export_schedules').select(['name', 'destination_url']).where('app_id', '=', appId).where('deleted_at', 'is', null).where('destination_url', 'is not', null).orderBy('created_at').execute();
}
