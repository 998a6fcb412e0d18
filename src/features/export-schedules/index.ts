import type { ErasableText } from '../../platform/erasure/erase-values.ts';
import type { Feature } from '../feature.ts';
import { scheduleTickJob } from './schedules.job.ts';
import { registerScheduleRoutes } from './schedules.routes.ts';

/** Export schedules: cron-driven exports, optionally delivered to the customer's bucket (docs/export-schedules.md). */
export const exportSchedulesFeature: Feature = {
  name: 'export-schedules',
  routes: registerScheduleRoutes,
  jobs: [scheduleTickJob],
};

/** Free-text columns that may name a person, for an erasure (docs/privacy.md#erasure): a schedule's search filter. */
export const exportSchedulesErasableText: ErasableText[] = [{ table: 'export_schedules', key: ['id'], columns: ['filters'], appScope: { column: 'app_id' } }];
// A subject-access package lists where scheduled runs delivered (docs/privacy.md#recipients).
export { listScheduleDestinations, listScheduledDeliveries, type ScheduledDelivery } from './schedule-recipients.ts';
