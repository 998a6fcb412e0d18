import type { AppContext } from '../../context.ts';
import { AppError, conflict, notFound } from '../../http/errors.ts';
import { secretBox } from '../../platform/crypto/secret-box.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import { authorize, loadOwnedApp, type OperatorPrincipal } from '../auth/index.ts';
import { redactFilters } from '../users/index.ts';
import { type ExportRecord, parseExportFilters, requestExport, resolveExportColumns } from '../exports/index.ts';
import { checkDestinationAddress, parseDestinationUrl } from './export-destination.ts';
import { checkSchedule, nextRun, nextRuns } from './schedule-cron.ts';
import { deleteSchedule, findSchedule, insertRun, insertSchedule, listSchedules, type ScheduleRecord, type ScheduleValues, updateSchedule } from './schedules.repository.ts';
import type { ScheduleInput, SchedulePatch } from './schedules.schemas.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/**
 * Export schedules: a cron, a time zone and an ordinary export request, run as the schedule's creator
 * (their role's column rules apply at each run), optionally written to the customer's own bucket
 * (docs/export-schedules.md).
 */

export const destinationSecrets = (ctx: AppContext) => secretBox(ctx.config.ROSTER_SECRET, 'export-destination-secret');

async function ownedSchedule(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string, permission: 'exports.request' = 'exports.request') {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, permission);
  const schedule = isUuid(id) ? await findSchedule(ctx.db, app.id, id) : undefined;
  if (!schedule) throw notFound('Export schedule');
  return { app, schedule };
}

/** Checks what a schedule would ask of each export now, as `operator`, so a bad one fails when saved. */
function checkExportRequest(operator: OperatorPrincipal, input: Pick<ScheduleInput, 'filters' | 'columns'>) {
  parseExportFilters(input.filters ?? {});
  resolveExportColumns(operator, input.columns ?? undefined);
}

async function destinationValues(ctx: AppContext, destination: ScheduleInput['destination'], previous?: ScheduleRecord) {
  if (!destination) return { destination_url: null, destination_access_key_id: null, destination_secret_sealed: null };
  const location = parseDestinationUrl(destination.url);
  await checkDestinationAddress(location, ctx.config.EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS);
  // A PATCH may keep the stored secret by leaving it out (it is never sent back).
  const sealed = destination.secret_access_key !== undefined ? destinationSecrets(ctx).seal(destination.secret_access_key) : previous?.destination_secret_sealed;
  if (!sealed) throw new AppError('invalid_destination', 'destination.secret_access_key is required');
  return { destination_url: destination.url, destination_access_key_id: destination.access_key_id, destination_secret_sealed: sealed };
}

export async function createSchedule(ctx: AppContext, operator: OperatorPrincipal, appId: string, input: ScheduleInput, ip: string | null): Promise<ScheduleRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'exports.request');
  const timezone = input.timezone ?? 'UTC';
  checkSchedule(input.cron, timezone);
  checkExportRequest(operator, input);
  const values: ScheduleValues = {
    name: input.name,
    cron: input.cron.trim(),
    timezone,
    format: input.format ?? 'csv',
    compression: input.compression ?? 'none',
    filters: input.filters ?? {},
    columns: input.columns ?? null,
    incremental: input.incremental ?? false,
    ...(await destinationValues(ctx, input.destination)),
    next_run_at: nextRun(input.cron, timezone),
  };
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await listSchedules(trx, app.id).then((rows) => rows.some((row) => row.name.toLowerCase() === values.name.toLowerCase()));
    if (taken) throw conflict('schedule_name_taken', `An export schedule named "${values.name}" exists in this application`);
    const schedule = await insertSchedule(trx, app.id, operator.operatorId, values);
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'export_schedule.created', target: { type: 'export_schedule', id: schedule.id }, details: auditDetails(schedule), ip });
    return schedule;
  });
}

export async function changeSchedule(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string, patch: SchedulePatch, ip: string | null): Promise<ScheduleRecord> {
  const { app, schedule } = await ownedSchedule(ctx, operator, appId, id);
  const cron = patch.cron ?? schedule.cron;
  const timezone = patch.timezone ?? schedule.timezone;
  checkSchedule(cron, timezone);
  checkExportRequest(operator, { filters: patch.filters ?? schedule.filters, columns: patch.columns === undefined ? schedule.columns : patch.columns });
  const values: Partial<ScheduleValues> = {
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.format === undefined ? {} : { format: patch.format }),
    ...(patch.compression === undefined ? {} : { compression: patch.compression }),
    ...(patch.filters === undefined ? {} : { filters: patch.filters }),
    ...(patch.columns === undefined ? {} : { columns: patch.columns }),
    ...(patch.incremental === undefined ? {} : { incremental: patch.incremental }),
    ...(patch.destination === undefined ? {} : await destinationValues(ctx, patch.destination, schedule)),
    ...(patch.cron === undefined && patch.timezone === undefined ? {} : { cron: cron.trim(), timezone, next_run_at: nextRun(cron, timezone) }),
  };
  return ctx.db.transaction().execute(async (trx) => {
    if (values.name !== undefined) {
      const taken = (await listSchedules(trx, app.id)).some((row) => row.id !== id && row.name.toLowerCase() === values.name!.toLowerCase());
      if (taken) throw conflict('schedule_name_taken', `An export schedule named "${values.name}" exists in this application`);
    }
    const updated = await updateSchedule(trx, app.id, id, values);
    if (!updated) throw notFound('Export schedule');
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'export_schedule.updated', target: { type: 'export_schedule', id }, details: { changed: Object.keys(patch), ...auditDetails(updated) }, ip });
    return updated;
  });
}

export async function removeSchedule(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string, ip: string | null): Promise<void> {
  const { app, schedule } = await ownedSchedule(ctx, operator, appId, id);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteSchedule(trx, app.id, id))) throw notFound('Export schedule');
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'export_schedule.deleted', target: { type: 'export_schedule', id }, details: auditDetails(schedule), ip });
  });
}

export async function getSchedule(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string): Promise<ScheduleRecord> {
  return (await ownedSchedule(ctx, operator, appId, id)).schedule;
}

export async function listAppSchedules(ctx: AppContext, operator: OperatorPrincipal, appId: string): Promise<ScheduleRecord[]> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'exports.request');
  return listSchedules(ctx.db, app.id);
}

/** "Run now": an ordinary export of the schedule, outside its ticks, requested by `operator`. */
export async function runScheduleNow(ctx: AppContext, operator: OperatorPrincipal, appId: string, id: string, ip: string | null): Promise<ExportRecord> {
  const { schedule } = await ownedSchedule(ctx, operator, appId, id);
  return startRun(ctx, schedule, operator, null, ip);
}

export class TickAlreadyRun extends Error {}

/**
 * Starts one run: the export and its run row commit together, and a tick's run row is unique, so a
 * tick that two processes reach starts one export. An incremental run starts at the last delivered run's
 * as_of_seq: a failed run is covered by the next one, nothing is skipped or repeated.
 */
export async function startRun(ctx: AppContext, schedule: ScheduleRecord, actor: OperatorPrincipal, tickAt: Date | null, ip: string | null): Promise<ExportRecord> {
  const sinceSeq = schedule.incremental ? schedule.last_success_as_of_seq : null;
  const input = { filters: schedule.filters, columns: schedule.columns ?? undefined, format: schedule.format, compression: schedule.compression, ...(sinceSeq === null ? {} : { since_seq: sinceSeq }) };
  return requestExport(ctx, actor, schedule.app_id, input, ip, {
    scheduleId: schedule.id,
    within: async (trx, exportId) => {
      const recorded = await insertRun(trx, {
        exportId,
        scheduleId: schedule.id,
        appId: schedule.app_id,
        tickAt,
        sinceSeq,
        delivery: 'pending',
        destinationPrefix: schedule.destination_url ? destinationFolder(schedule, exportId) : null,
      });
      if (!recorded) throw new TickAlreadyRun(`schedule ${schedule.id}: tick ${tickAt?.toISOString()} already ran`);
    },
  });
}

/** Where a run's files go under the destination's prefix: NAME/<run time>_<export id>/. */
export function destinationFolder(schedule: Pick<ScheduleRecord, 'name'>, exportId: string, at = new Date()): string {
  const name = schedule.name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'schedule';
  return `${name}/${at.toISOString().replace(/[:.]/g, '-')}_${exportId}`;
}

function auditDetails(schedule: ScheduleRecord) {
  return {
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    format: schedule.format,
    incremental: schedule.incremental,
    filters: schedule.filters,
    columns: schedule.columns,
    destination: schedule.destination_url ? schedule.destination_url.split('?')[0] : null,
  };
}

export function presentSchedule(ctx: AppContext, schedule: ScheduleRecord, viewer: Pick<OperatorPrincipal, 'role'>, now = new Date()) {
  // The filters as the viewer's role may read them: a search over personal fields is withheld from restricted roles.
  const { filters, redacted } = redactFilters(viewer.role, schedule.filters);
  return {
    id: schedule.id,
    app_id: schedule.app_id,
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    format: schedule.format,
    compression: schedule.compression,
    filters,
    redacted,
    columns: schedule.columns,
    incremental: schedule.incremental,
    destination: schedule.destination_url
      ? {
          url: schedule.destination_url,
          access_key_id: schedule.destination_access_key_id,
          secret_set: schedule.destination_secret_sealed !== null,
          // False after ROSTER_SECRET changed: the secret must be entered again (docs/export-schedules.md).
          secret_readable: schedule.destination_secret_sealed !== null && destinationSecrets(ctx).canOpen(schedule.destination_secret_sealed),
        }
      : null,
    next_runs: nextRuns(schedule.cron, schedule.timezone, 3, now).map((date) => date.toISOString()),
    last_success_as_of_seq: schedule.last_success_as_of_seq,
    created_by: schedule.created_by,
    created_at: schedule.created_at.toISOString(),
    updated_at: schedule.updated_at.toISOString(),
  };
}
