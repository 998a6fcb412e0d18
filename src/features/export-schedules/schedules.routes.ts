import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { appItemParams, appParams, clientIp, consoleSecurity, loadOwnedApp, operatorOf, requireOperator } from '../auth/index.ts';
import { presentExport } from '../exports/index.ts';
import { testDestination } from './schedule-delivery.ts';
import { listRuns } from './schedules.repository.ts';
import { scheduleInputSchema, schedulePatchSchema, scheduleRunSchema, scheduleSchema } from './schedules.schemas.ts';
import { changeSchedule, createSchedule, getSchedule, listAppSchedules, presentSchedule, removeSchedule, runScheduleNow } from './schedules.service.ts';
import { errorResponse } from '../../http/error-response.ts';

const tags = ['console: export schedules'];
const security = consoleSecurity;
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 422: errorResponse };
const base = '/api/console/apps/:app_id/export-schedules';

/** Export schedules: CRUD, run now, last runs, and a destination check (docs/export-schedules.md). */
export async function registerScheduleRoutes(scope: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const preHandler = requireOperator(ctx);

  app.post(base, { preHandler, schema: { tags, security, summary: 'Create an export schedule (cron in a time zone, optional bucket destination)', params: appParams, body: scheduleInputSchema, response: { 201: scheduleSchema, ...errors } } }, async (request, reply) => {
    const schedule = await createSchedule(ctx, operatorOf(request), request.params.app_id, request.body, clientIp(request));
    return reply.status(201).send(presentSchedule(ctx, schedule, operatorOf(request)));
  });

  app.get(base, { preHandler, schema: { tags, security, summary: "The application's export schedules", params: appParams, response: { 200: z.object({ results: z.array(scheduleSchema) }), ...errors } } }, async (request) => {
    const schedules = await listAppSchedules(ctx, operatorOf(request), request.params.app_id);
    return { results: schedules.map((schedule) => presentSchedule(ctx, schedule, operatorOf(request))) };
  });

  app.get(`${base}/:id`, { preHandler, schema: { tags, security, summary: 'One export schedule', params: appItemParams, response: { 200: scheduleSchema, ...errors } } }, async (request) =>
    presentSchedule(ctx, await getSchedule(ctx, operatorOf(request), request.params.app_id, request.params.id), operatorOf(request)),
  );

  app.patch(`${base}/:id`, { preHandler, schema: { tags, security, summary: 'Change an export schedule', params: appItemParams, body: schedulePatchSchema, response: { 200: scheduleSchema, ...errors } } }, async (request) =>
    presentSchedule(ctx, await changeSchedule(ctx, operatorOf(request), request.params.app_id, request.params.id, request.body, clientIp(request)), operatorOf(request)),
  );

  app.delete(`${base}/:id`, { preHandler, schema: { tags, security, summary: 'Delete an export schedule (its past exports stay)', params: appItemParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await removeSchedule(ctx, operatorOf(request), request.params.app_id, request.params.id, clientIp(request));
    return reply.status(204).send(null);
  });

  app.post(`${base}/:id/run`, { preHandler, schema: { tags, security, summary: 'Run the schedule now: starts an ordinary export with schedule_id', params: appItemParams, response: { 202: z.record(z.string(), z.unknown()), ...errors } } }, async (request, reply) => {
    const operator = operatorOf(request);
    const record = await runScheduleNow(ctx, operator, request.params.app_id, request.params.id, clientIp(request));
    return reply.status(202).send(presentExport(ctx, record, operator));
  });

  app.get(`${base}/:id/runs`, { preHandler, schema: { tags, security, summary: 'The last 20 runs: export status, row count, delivery', params: appItemParams, response: { 200: z.object({ results: z.array(scheduleRunSchema) }), ...errors } } }, async (request) => {
    const schedule = await getSchedule(ctx, operatorOf(request), request.params.app_id, request.params.id);
    const runs = await listRuns(ctx.db, schedule.app_id, schedule.id);
    return {
      results: runs.map((run) => ({ ...run, tick_at: run.tick_at?.toISOString() ?? null, created_at: run.created_at.toISOString(), finished_at: run.finished_at?.toISOString() ?? null, row_count: run.row_count === null ? null : Number(run.row_count) })),
    };
  });

  app.post(
    `${base}/:id/test-destination`,
    { preHandler, schema: { tags, security, summary: 'Write a small test object to the destination and say how it went', params: appItemParams, response: { 200: z.object({ ok: z.boolean(), key: z.string().nullable(), error: z.string().nullable() }), ...errors } } },
    async (request) => {
      const operator = operatorOf(request);
      await loadOwnedApp(ctx, operator, request.params.app_id);
      const schedule = await getSchedule(ctx, operator, request.params.app_id, request.params.id);
      return testDestination(ctx, schedule);
    },
  );
}
