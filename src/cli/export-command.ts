import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { recordAudit } from '../features/audit/audit-writer.public.ts';
import { getExport, presentExport, requestExport } from '../features/exports/exports.service.ts';
import { cliOperator, loadApplication, startLocalWorker } from './cli-context.ts';
import { pollUntil, type Terminal } from './terminal.ts';

export interface ExportCommandOptions {
  appId: string;
  as?: string;
  filters: string[];
  columns?: string;
  out: string;
}

/** Filters a list may repeat; `--filter status=ACTIVE,FLAGGED` and two `--filter status=…` both mean either. */
const listFilters = new Set(['status', 'country', 'tags']);

export function parseFilterFlags(flags: string[]): Record<string, unknown> {
  const filters: Record<string, unknown> = {};
  for (const flag of flags) {
    const equals = flag.indexOf('=');
    if (equals <= 0) throw new AppError('invalid_argument', `--filter takes key=value (e.g. status=ACTIVE), got "${flag}"`);
    const key = flag.slice(0, equals).trim();
    const value = flag.slice(equals + 1);
    if (listFilters.has(key)) {
      const values = key === 'tags' ? [value] : value.split(',').map((part) => part.trim()).filter(Boolean);
      filters[key] = [...((filters[key] as string[] | undefined) ?? []), ...values];
    } else {
      filters[key] = value;
    }
  }
  return filters;
}

/** `roster export --app APP --out FILE`: the same export the console requests, written to a local file. */
export async function exportCommand(ctx: AppContext, terminal: Terminal, options: ExportCommandOptions): Promise<number> {
  const filters = parseFilterFlags(options.filters);
  const columns = options.columns?.split(',').map((column) => column.trim()).filter(Boolean);
  const out = path.resolve(options.out);
  const app = await loadApplication(ctx, options.appId);
  const operator = await cliOperator(ctx, app.org_id, options.as);
  await startLocalWorker(ctx);
  const requested = await requestExport(ctx, operator, app.id, { filters, columns }, null);
  terminal.note(`Export ${requested.id} requested; writing the users that match…`);
  const finished = await pollUntil(
    () => getExport(ctx, operator, app.id, requested.id),
    (record) => record.status === 'completed' || record.status === 'failed',
    // The export counts its rows only when the file is complete: the bar shows the step, not rows.
    (record) => terminal.progress({ label: `export ${record.status}`, done: record.status === 'completed' ? 1 : 0, total: 1, status: record.status }),
  );
  terminal.endProgress();
  if (finished.status !== 'completed' || !finished.storage_key) {
    throw new AppError('export_failed', `The export failed: ${finished.error ?? 'unknown error'}`);
  }
  // Written beside the target and renamed, so a half-written file never carries the name asked for.
  const partial = `${out}.${process.pid}.partial`;
  try {
    await pipeline(await ctx.storage.get(finished.storage_key), createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw new AppError('cannot_write_file', `Cannot write ${out}: ${(error as Error).message}`);
  }
  await recordAudit(ctx.db, {
    orgId: app.org_id,
    appId: app.id,
    actor: operator,
    action: 'export.downloaded',
    target: { type: 'export', id: finished.id },
    details: { via: 'cli', file: out, row_count: finished.row_count },
  });
  const view = presentExport(ctx, finished, operator);
  terminal.result({ ...view, file: out }, `Exported ${Number(finished.row_count ?? 0).toLocaleString('en-US')} user(s) to ${out}`);
  return 0;
}
