import type { AppContext } from '../../context.ts';
import { ForbiddenAddressError } from '../../platform/outbound/address-guard.ts';
import { recordAudit, systemActor } from '../audit/audit-writer.public.ts';
import { exportFiles, type ExportRecord, findExport } from '../exports/index.ts';
import { checkDestinationAddress, type Destination, openDestination, parseDestinationUrl } from './export-destination.ts';
import { findRunsToFinish, finishRun, type ScheduleRecord } from './schedules.repository.ts';
import { destinationSecrets } from './schedules.service.ts';

/**
 * After a scheduled export ends: copy its files to the schedule's bucket (data first, the manifest last,
 * so a reader that sees the manifest sees every part), then close the run. Only a delivered run (or a
 * completed one without a destination) moves the incremental chain on (docs/export-schedules.md).
 */

const system = systemActor('export schedules');

function contentType(name: string): string {
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.gz')) return 'application/gzip';
  if (name.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  if (name.endsWith('.jsonl')) return 'application/x-ndjson';
  return 'text/csv';
}

async function destinationOf(ctx: AppContext, schedule: ScheduleRecord): Promise<Destination> {
  const location = parseDestinationUrl(schedule.destination_url!);
  await checkDestinationAddress(location, ctx.config.EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS);
  const secretAccessKey = destinationSecrets(ctx).open(schedule.destination_secret_sealed ?? '');
  return openDestination(location, { accessKeyId: schedule.destination_access_key_id ?? '', secretAccessKey }, ctx.config.EXPORT_DESTINATION_ALLOW_PRIVATE_NETWORKS);
}

/** Why a destination failed, in words for the run and the mail (no stack, no SDK internals). */
function describe(error: unknown): string {
  if (error instanceof ForbiddenAddressError) return error.message;
  const failure = error as { message?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  const status = failure.$metadata?.httpStatusCode;
  return `${failure.name && failure.name !== 'Error' ? `${failure.name}: ` : ''}${failure.message ?? String(error)}${status ? ` (HTTP ${status})` : ''}`.slice(0, 500);
}

async function deliver(ctx: AppContext, schedule: ScheduleRecord, record: ExportRecord, folder: string): Promise<void> {
  const destination = await destinationOf(ctx, schedule);
  try {
    for (const file of exportFiles(record)) {
      await destination.put(`${folder}/${file.name}`, await ctx.storage.get(file.key), contentType(file.name));
    }
  } finally {
    destination.close();
  }
}

/** Closes the runs whose export has ended (delivering the completed ones); returns how many. */
export async function finishScheduledRuns(ctx: AppContext): Promise<number> {
  const runs = await findRunsToFinish(ctx.db);
  for (const run of runs) {
    const record = await findExport(ctx.db, run.app_id, run.export_id);
    const schedule = await ctx.db.selectFrom('export_schedules').selectAll().where('app_id', '=', run.app_id).where('id', '=', run.schedule_id).executeTakeFirst();
    if (!record || !schedule) continue;
    // The seq the export's rows reflect (docs/warehouse.md): the next incremental run starts there.
    const asOfSeq = record.as_of_seq;
    if (record.status !== 'completed') {
      // The export job has mailed its failure to the requester, the schedule's creator.
      await finishRun(ctx.db, run.app_id, run.export_id, { delivery: 'failed', error: record.error ?? `the export ended ${record.status}` });
      continue;
    }
    if (!schedule.destination_url || schedule.deleted_at) {
      await finishRun(ctx.db, run.app_id, run.export_id, { delivery: 'none', asOfSeq });
      continue;
    }
    const folder = run.destination_prefix ?? run.export_id;
    try {
      await deliver(ctx, schedule, record, folder);
      await finishRun(ctx.db, run.app_id, run.export_id, { delivery: 'delivered', asOfSeq });
    } catch (error) {
      const reason = describe(error);
      ctx.log.warn(`export schedule ${schedule.id}: delivery of export ${record.id} failed: ${reason}`);
      const closed = await finishRun(ctx.db, run.app_id, run.export_id, { delivery: 'failed', error: reason });
      if (closed) await reportFailure(ctx, schedule, record, reason);
    }
  }
  return runs.length;
}

async function reportFailure(ctx: AppContext, schedule: ScheduleRecord, record: ExportRecord, reason: string): Promise<void> {
  await recordAudit(ctx.db, {
    orgId: record.org_id,
    appId: record.app_id,
    actor: system,
    action: 'export_schedule.delivery_failed',
    target: { type: 'export_schedule', id: schedule.id },
    details: { export_id: record.id, reason },
    outcome: 'failure',
  });
  const text = [
    `The scheduled export "${schedule.name}" of ${record.app_name} ran, but its files could not be written to the destination:`,
    '',
    reason,
    '',
    schedule.incremental
      ? 'The next run starts where the last delivered run ended, so no change is lost: fix the destination and the next run catches up.'
      : 'The next run will try again at its time.',
  ].join('\n');
  await ctx.mailer.send({ to: record.created_by_email, subject: `Scheduled export "${schedule.name}" could not be delivered`, text }).catch((error: Error) => ctx.log.warn(`schedule mail could not be sent: ${error.message}`));
}

/** "Test the destination": writes `NAME/_roster-test-<time>.txt`, and says what happened in plain words. */
export async function testDestination(ctx: AppContext, schedule: ScheduleRecord): Promise<{ ok: boolean; key: string | null; error: string | null }> {
  if (!schedule.destination_url) return { ok: false, key: null, error: 'This schedule has no destination' };
  const key = `${schedule.name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'schedule'}/_roster-test-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
  try {
    const destination = await destinationOf(ctx, schedule);
    try {
      await destination.put(key, Buffer.from(`Roster can write here (export schedule ${schedule.id}).\n`), 'text/plain');
    } finally {
      destination.close();
    }
    return { ok: true, key, error: null };
  } catch (error) {
    const message = (error as { code?: string }).code === 'forbidden_destination' || (error as { status?: number }).status === 422 ? (error as Error).message : describe(error);
    return { ok: false, key: null, error: message };
  }
}

