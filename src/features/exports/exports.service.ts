import { z } from 'zod';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.ts';
import { sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { cursorCodec, cursorParts } from '../../http/cursor.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../http/errors.ts';
import { recordAudit, systemActor } from '../audit/audit-writer.public.ts';
import { authorize, loadOwnedApp, type OperatorPrincipal } from '../auth/index.ts';
import { StorageNotFoundError } from '../../platform/storage/storage.ts';
import { checkExportLink, signedExportUrl } from './export-link.ts';
import { allowedColumns, type ExportRequest, parseExportFilters, parseExportFormat, resolveExportColumns } from './export-options.ts';
import { checkSinceSeq, contentTypes } from './export-files.ts';
import { exportJob } from './export.job.ts';
import { transition } from '../../platform/operations/index.ts';
import { exportOperation, pendingExportStates } from './export-operation.ts';
import { countPendingExports, type ExportRecord, findExport, findExportForDownload, insertExport, listExports, revokeExportLink } from './exports.repository.ts';
import { can } from '../../shared/roles.ts';
import { readChangeCounter, redactFilters, scopeFiltersToRole } from '../users/index.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/**
/**
 * Exports one operator may have queued or running at once, across applications (docs/operations.md):
 * enough for any person's work, and a bound on what one account can put in the shared queue.
 */
export const MAX_PENDING_EXPORTS_PER_OPERATOR = 10;

/**
 * `origin.scheduleId`: made by an export schedule's run (src/features/export-schedules), as its creator;
 * `origin.within` runs in the export's own transaction (the schedule records its run there, so a run and
 * its export commit or vanish together).
 */
export async function requestExport(
  ctx: AppContext,
  operator: OperatorPrincipal,
  appId: string,
  input: ExportRequest,
  ip: string | null,
  origin: { scheduleId?: string; within?: (trx: Transaction<Database>, exportId: string) => Promise<void> } = {},
): Promise<ExportRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'exports.request');
  const columns = resolveExportColumns(operator, input.columns);
  const filters = scopeFiltersToRole(operator.role, parseExportFilters(input.filters));
  const { format, compression } = parseExportFormat(input);
  const sinceSeq = input.since_seq ?? null;
  if (sinceSeq !== null) {
    if (!Number.isSafeInteger(sinceSeq) || sinceSeq < 0) throw invalid('invalid_since_seq', 'since_seq must be a whole number, 0 or more (an export\'s as_of_seq)');
    checkSinceSeq(sinceSeq, await readChangeCounter(ctx.db, app.id));
  }
  const exportId = await ctx.db.transaction().execute(async (trx) => {
    // Requests of one operator are counted one at a time, so two at once cannot both take the last place.
    await sql`SELECT pg_advisory_xact_lock(hashtext('exports.pending'), hashtext(${operator.operatorId}))`.execute(trx);
    if ((await countPendingExports(trx, operator.operatorId, pendingExportStates)) >= MAX_PENDING_EXPORTS_PER_OPERATOR) {
      throw new AppError('too_many_pending_exports', `You have ${MAX_PENDING_EXPORTS_PER_OPERATOR} exports queued or running; wait for one to finish (or cancel one) before requesting another`);
    }
    const id = await insertExport(trx, { appId: app.id, filters: filters as Record<string, unknown>, columns, createdBy: operator.operatorId, scheduleId: origin.scheduleId, format, compression, sinceSeq });
    await recordAudit(trx, {
      orgId: app.org_id,
      appId: app.id,
      actor: operator,
      action: 'export.requested',
      target: { type: 'export', id },
      details: { filters, columns, format, compression, since_seq: sinceSeq, ...(origin.scheduleId ? { schedule_id: origin.scheduleId } : {}) },
      ip,
    });
    await origin.within?.(trx, id);
    return id;
  });
  try {
    await ctx.jobs.send(exportJob, { exportId, appId: app.id }, { organizationId: app.org_id });
  } catch (error) {
    // Without a job nothing would ever pick the export up: say so on the export instead of leaving it queued.
    await transition(ctx.db, exportOperation, { id: exportId, appId: app.id }, { to: 'failed', set: { error: 'The export could not be queued; please request it again' } });
    throw error;
  }
  return (await findExport(ctx.db, app.id, exportId))!;
}

export async function getExport(ctx: AppContext, operator: OperatorPrincipal, appId: string, exportId: string): Promise<ExportRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'exports.request');
  if (!isUuid(exportId)) throw notFound('Export');
  const record = await findExport(ctx.db, app.id, exportId);
  if (!record) throw notFound('Export');
  return record;
}

export async function listExportsPage(
  ctx: AppContext,
  operator: OperatorPrincipal,
  appId: string,
  page: { cursor?: string; limit: number },
): Promise<{ results: ExportRecord[]; next: string | null }> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'exports.request');
  const beforeSeq = page.cursor === undefined ? undefined : exportCursor.decode(page.cursor).seq;
  const rows = await listExports(ctx.db, app.id, { beforeSeq, limit: page.limit + 1 });
  const results = rows.slice(0, page.limit);
  const next = rows.length > page.limit ? exportCursor.encode({ seq: results[results.length - 1].seq }) : null;
  return { results, next };
}

/** Exports page newest first by their sequence number. */
const exportCursor = cursorCodec('exports', z.object({ seq: cursorParts.serial }));

/**
 * The download link is shown to whoever could have asked for the same columns: a restricted role
 * sees the history of full exports, but never a link to their personal data.
 */
function mayDownload(viewer: Pick<OperatorPrincipal, 'role'>, record: ExportRecord): boolean {
  const allowed = allowedColumns(viewer) as readonly string[];
  return record.columns.every((column) => allowed.includes(column));
}

export function presentExport(ctx: AppContext, record: ExportRecord, viewer: Pick<OperatorPrincipal, 'role'>, now = new Date()) {
  const linkLive = record.status === 'completed' && record.expires_at !== null && record.expires_at > now;
  const linked = linkLive && !record.revoked_at && mayDownload(viewer, record);
  const parts = (record.parts ?? []).map((part, index) => ({
    name: part.name,
    rows: part.rows,
    bytes: part.bytes,
    sha256: part.sha256,
    // The first part's link is the export's own download_url.
    download_url: linked ? signedExportUrl(ctx.config.PUBLIC_URL, ctx.config.ROSTER_SECRET, record.id, record.expires_at!, index === 0 ? undefined : part.name) : null,
  }));
  const { filters, redacted } = redactFilters(viewer.role, record.filters);
  return {
    id: record.id,
    app_id: record.app_id,
    status: record.status,
    filters,
    redacted,
    columns: record.columns,
    row_count: record.row_count,
    rows_written: record.status === 'running' && record.rows_written !== null ? Number(record.rows_written) : null,
    created_by: { id: record.created_by, email: record.created_by_email, name: record.created_by_name },
    created_at: record.created_at.toISOString(),
    finished_at: record.finished_at?.toISOString() ?? null,
    download_url: linked ? signedExportUrl(ctx.config.PUBLIC_URL, ctx.config.ROSTER_SECRET, record.id, record.expires_at!) : null,
    expires_at: record.expires_at?.toISOString() ?? null,
    error: record.error,
    revoked_at: record.revoked_at?.toISOString() ?? null,
    schedule_id: record.schedule_id,
    format: record.format,
    compression: record.compression,
    as_of_seq: record.as_of_seq,
    since_seq: record.since_seq,
    parts,
  };
}

export type ExportJson = ReturnType<typeof presentExport>;

/** OWNER only: the link stops working at once, for everyone who holds it. Audited. */
export async function revokeExport(ctx: AppContext, operator: OperatorPrincipal, appId: string, exportId: string, ip: string | null): Promise<ExportRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'exports.revoke');
  if (!isUuid(exportId)) throw notFound('Export');
  await ctx.db.transaction().execute(async (trx) => {
    const current = await findExport(trx, app.id, exportId);
    if (!current) throw notFound('Export');
    if (current.revoked_at) return;
    await revokeExportLink(trx, app.id, exportId, operator.operatorId);
    await recordAudit(trx, {
      orgId: app.org_id,
      appId: app.id,
      actor: operator,
      action: 'export.revoked',
      target: { type: 'export', id: exportId },
      details: { requested_by: { id: current.created_by, email: current.created_by_email }, row_count: current.row_count },
      ip,
    });
  });
  return (await findExport(ctx.db, app.id, exportId))!;
}

/**
 * Cancels a queued or running export: the requester, or an operator who may revoke exports. A running
 * one stops at its next chunk (its heartbeat notices) and its partial file is deleted. Audited.
 */
export async function cancelExport(ctx: AppContext, operator: OperatorPrincipal, appId: string, exportId: string, ip: string | null): Promise<ExportRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'exports.request');
  if (!isUuid(exportId)) throw notFound('Export');
  const current = await findExport(ctx.db, app.id, exportId);
  if (!current) throw notFound('Export');
  if (current.created_by !== operator.operatorId && !can(operator.role, 'exports.revoke')) {
    throw forbidden('not_requester', 'Only the operator who requested this export (or an OWNER) may cancel it');
  }
  const cancelled = await transition(ctx.db, exportOperation, { id: exportId, appId: app.id }, {
    to: 'cancelled',
    set: { error: null },
    audit: { orgId: app.org_id, appId: app.id, actor: operator, details: { requested_by: current.created_by, status_before: current.status }, ip },
  });
  if (!cancelled && current.status !== 'cancelled') {
    throw conflict('export_finished', `This export is ${current.status}; only a queued or running export can be cancelled`);
  }
  return (await findExport(ctx.db, app.id, exportId))!;
}

function contentTypeOf(record: Pick<ExportRecord, 'format' | 'compression'>, fileName: string): string {
  if (fileName === 'manifest.json') return contentTypes.manifest;
  return record.compression === 'gzip' ? contentTypes.gzip : contentTypes[record.format];
}

export function exportFileName(record: Pick<ExportRecord, 'id' | 'created_at'>): string {
  const stamp = record.created_at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `users-export-${stamp}-${record.id.slice(0, 8)}.csv`;
}

export type Download =
  | { kind: 'stream'; body: NodeJS.ReadableStream; bytes: number | null; fileName: string }
  | { kind: 'redirect'; url: string }
  | { kind: 'head'; bytes: number | null; fileName: string };

const PRESIGNED_SECONDS = 300;

/**
 * Checks a signed link, audits the download and opens the file (or a short-lived S3 link to it).
 * A HEAD request (mail scanners send them) is checked the same way but neither audited nor served.
 */
export async function openExportDownload(
  ctx: AppContext,
  exportId: string,
  query: { expires?: unknown; sig?: unknown; part?: unknown },
  ip: string | null,
  options: { headOnly?: boolean } = {},
): Promise<Download> {
  const partName = typeof query.part === 'string' && query.part !== '' ? query.part : undefined;
  const check = isUuid(exportId) ? checkExportLink(ctx.config.ROSTER_SECRET, exportId, query.expires, query.sig, Date.now(), partName) : 'invalid';
  if (check === 'invalid') throw forbidden('invalid_signature', 'This download link is not valid; use the link from the email or the console');
  const record = await findExportForDownload(ctx.db, exportId);
  if (!record) throw forbidden('invalid_signature', 'This download link is not valid; use the link from the email or the console');
  if (record.status === 'expired') throw new AppError('export_expired', 'This export has expired and its file was deleted; request a new export');
  // The export's own expiry is the authority: a link never outlives the file it points at.
  const expired = check === 'expired' || (record.expires_at !== null && record.expires_at.getTime() <= Date.now());
  if (expired) throw forbidden('link_expired', 'This download link has expired; request a new export');
  if (record.status !== 'completed' || !record.storage_key) throw notFound('Export file');
  // The link is checked against the export and its requester as they are now, not as they were when it was mailed.
  if (record.revoked_at) throw new AppError('export_revoked', 'This download link was revoked by an owner of the organization; request a new export');
  if (record.created_by_removed_at) throw forbidden('requester_removed', 'The operator who requested this export is no longer a member of the organization; request a new export');
  if (!can(record.created_by_role, 'exports.request') || !mayDownload({ role: record.created_by_role }, record)) {
    throw forbidden('requester_not_allowed', 'The requester’s role no longer allows the columns of this export; request a new export');
  }

  // The export's first part, or the part the link names (export-files.ts).
  const parts = record.parts ?? [];
  const part = partName === undefined ? parts[0] : parts.find((candidate) => candidate.name === partName);
  if (partName !== undefined && !part) throw notFound('Export file');
  const key = part?.key ?? record.storage_key;
  const fileName = part?.name ?? exportFileName(record);
  const bytes = part?.bytes ?? record.bytes;
  if (options.headOnly) return { kind: 'head', bytes, fileName };
  let download: Download;
  if (ctx.storage.kind === 's3') {
    const url = await ctx.storage.signedUrl(key, { expiresInSeconds: PRESIGNED_SECONDS, downloadName: fileName, contentType: contentTypeOf(record, fileName) });
    download = { kind: 'redirect', url };
  } else {
    let body: NodeJS.ReadableStream;
    try {
      body = await ctx.storage.get(key);
    } catch (error) {
      if (error instanceof StorageNotFoundError) throw new AppError('export_expired', 'The file of this export no longer exists; request a new export');
      throw error;
    }
    download = { kind: 'stream', body, bytes, fileName };
  }
  try {
    await recordAudit(ctx.db, {
      orgId: record.org_id,
      appId: record.app_id,
      actor: systemActor('signed download link'),
      action: 'export.downloaded',
      target: { type: 'export', id: record.id },
      // The link is a bearer link, so the download is the requester's: name them, and where it came from.
      details: { requested_by: { id: record.created_by, email: record.created_by_email }, via: 'signed_link', row_count: record.row_count, ...(partName ? { part: partName } : {}) },
      ip,
    });
  } catch (error) {
    // No download goes unaudited.
    if (download.kind === 'stream') (download.body as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    throw error;
  }
  return download;
}

/**
 * The stored files of a completed export, in the order a copy elsewhere must write them (an export
 * schedule's destination): the data first; a manifest, when there is one, last.
 */
export function exportFiles(record: Pick<ExportRecord, 'storage_key' | 'parts'>): { name: string; key: string }[] {
  // The data parts in order, then manifest.json (export-files.ts): copied in this order, the manifest lands last.
  if (record.parts && record.parts.length > 0) return record.parts.map(({ name, key }) => ({ name, key }));
  return record.storage_key ? [{ name: 'users.csv', key: record.storage_key }] : [];
}
