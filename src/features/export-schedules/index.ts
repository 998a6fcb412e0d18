import type { Feature } from '../feature.ts';
import { scheduleTickJob } from './schedules.job.ts';
import { registerScheduleRoutes } from './schedules.routes.ts';

/** Export schedules: cron-driven exports, optionally delivered to the customer's bucket (docs/export-schedules.md). */
export const exportSchedulesFeature: Feature = {
  name: 'export-schedules',
  routes: registerScheduleRoutes,
  jobs: [scheduleTickJob],
};
