import { Cron } from 'croner';
import type { AppContext } from '../../context.ts';
import { type ErrorDetail, invalid } from '../../http/errors.ts';
import { pruneAuditBefore, recordAudit, systemActor } from '../audit/index.ts';
import { authorize, type OperatorPrincipal } from '../auth/index.ts';
import { purgeExpiredHolds } from '../erasure/index.ts';
import { deleteExportFilesFinishedBefore } from '../exports/index.ts';
import { sweepExpiredImports } from '../imports/index.ts';
import { deleteFacesUploadedBefore, deleteInactiveUsers, pruneChanges } from '../users/index.ts';
import { effectiveRetention, formatRetention, parseRetentionDuration, type RetentionCategory, retentionCategories, retentionDefaults, type RetentionSeconds } from './retention-settings.ts';

/** Per-application retention (docs/privacy.md#retention): the settings, and the daily run that applies them. */

export const RETENTION_SCHEDULE = '17 3 * * *';

type App = { id: string; org_id: string; retention: Record<string, number | null> };

async function loadApp(ctx: AppContext, appId: string): Promise<App> {
  return ctx.db.selectFrom('applications').select(['id', 'org_id', 'retention']).where('id', '=', appId).executeTakeFirstOrThrow();
}

async function present(ctx: AppContext, app: App) {
  const defaults = retentionDefaults(ctx.config);
  const last = await ctx.db
    .selectFrom('audit_logs')
    .select(['created_at', 'details'])
    .where('org_id', '=', app.org_id)
    .where('app_id', '=', app.id)
    .where('action', '=', 'retention.applied')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    retention: formatRetention(effectiveRetention(app.retention, defaults)),
    defaults: formatRetention(defaults),
    overridden: retentionCategories.filter((category) => category in app.retention),
    next_run_at: new Cron(RETENTION_SCHEDULE, { timezone: 'UTC' }).nextRun()!.toISOString(),
    last_run: last ? { at: last.created_at.toISOString(), removed: ((last.details as { removed?: Record<string, unknown> }).removed ?? {}) as Record<string, unknown> } : null,
  };
}
export type RetentionView = Awaited<ReturnType<typeof present>>;

export async function getRetention(ctx: AppContext, operator: OperatorPrincipal, app: { id: string }): Promise<RetentionView> {
  authorize(operator, 'audit.read');
  return present(ctx, await loadApp(ctx, app.id));
}

/** Changes some categories: a duration, null (keep with no end) or "default". Audited `retention.changed`. */
export async function changeRetention(ctx: AppContext, operator: OperatorPrincipal, appRef: { id: string }, body: Partial<Record<RetentionCategory, string | null>>, ip: string | null): Promise<RetentionView> {
  authorize(operator, 'retention.manage');
  const errors: ErrorDetail[] = [];
  const changes: Record<string, number | null | 'default'> = {};
  for (const [category, value] of Object.entries(body) as [RetentionCategory, string | null][]) {
    if (value === null || value === 'default') changes[category] = value;
    else {
      const seconds = parseRetentionDuration(value);
      if (seconds === null) errors.push({ field: category, code: 'invalid_duration', message: `"${value}" is not a period like 30d, 12w or 3y (1 day to 100 years), null to keep, or "default"` });
      else changes[category] = seconds;
    }
  }
  if (errors.length > 0) throw invalid('invalid_retention', errors.map((error) => `${error.field}: ${error.message}`).join('; '), errors);
  return ctx.db.transaction().execute(async (trx) => {
    const app = await trx.selectFrom('applications').select(['id', 'org_id', 'retention']).where('id', '=', appRef.id).forUpdate().executeTakeFirstOrThrow();
    const next: Record<string, number | null> = { ...app.retention };
    for (const [category, value] of Object.entries(changes)) {
      if (value === 'default') delete next[category];
      else next[category] = value;
    }
    await trx.updateTable('applications').set({ retention: JSON.stringify(next) }).where('id', '=', app.id).execute();
    const defaults = retentionDefaults(ctx.config);
    await recordAudit(trx, {
      orgId: app.org_id,
      appId: app.id,
      actor: operator,
      action: 'retention.changed',
      target: { type: 'application', id: app.id },
      details: { from: formatRetention(effectiveRetention(app.retention, defaults)), to: formatRetention(effectiveRetention(next, defaults)) },
      ip,
    });
    return present(ctx, { ...app, retention: next });
  });
}

const before = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000);

/** One application's run: each category past its period removed, counted, and the counts audited. */
export async function applyAppRetention(ctx: AppContext, app: App, now: Date): Promise<Record<string, number>> {
  const settings: RetentionSeconds = effectiveRetention(app.retention, retentionDefaults(ctx.config));
  const removed: Record<string, number> = {};
  const when = async (category: RetentionCategory, apply: (cutoff: Date) => Promise<number>) => {
    const seconds = settings[category];
    removed[category] = seconds === null ? 0 : await apply(before(now, seconds));
  };
  await when('import_files', (cutoff) => sweepExpiredImports(ctx, cutoff, app.id));
  await when('exports', (cutoff) => deleteExportFilesFinishedBefore(ctx, app.id, cutoff));
  await when('faces', (cutoff) => deleteFacesUploadedBefore(ctx, app.id, cutoff));
  await when('inactive_users', (cutoff) => deleteInactiveUsers(ctx, app, cutoff));
  await when('change_feed', (cutoff) => pruneChanges(ctx.db, cutoff, app.id));
  removed.held_records = await purgeExpiredHolds(ctx, now, app.id);
  // Last, so the run's own entries are never what it prunes.
  await when('audit', (cutoff) => pruneAuditBefore(ctx.db, app.id, cutoff));
  await recordAudit(ctx.db, {
    orgId: app.org_id,
    appId: app.id,
    actor: systemActor('retention'),
    action: 'retention.applied',
    target: { type: 'application', id: app.id },
    details: { removed, settings: formatRetention(settings), ran_at: now.toISOString() },
  });
  return removed;
}

/** The daily run over every application. */
export async function applyRetention(ctx: AppContext, now = new Date()): Promise<Record<string, Record<string, number>>> {
  const apps = await ctx.db.selectFrom('applications').select(['id', 'org_id', 'retention']).orderBy('created_at').execute();
  const report: Record<string, Record<string, number>> = {};
  for (const app of apps) report[app.id] = await applyAppRetention(ctx, app, now);
  return report;
}
