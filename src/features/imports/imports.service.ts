import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AppContext } from '../../context.ts';
import { cursorCodec, cursorParts } from '../../http/cursor.ts';
import { AppError, badRequest, conflict, invalid, notFound, tooLarge } from '../../http/errors.ts';
import { type ImportMode, validateNote, validationError } from '../users/index.ts';
import { MAX_STATUS_REASON_CHARS } from './validation/row-validation.ts';
import { StorageTooLargeError } from '../../platform/storage/storage.ts';
import type { OperatorPrincipal } from '../auth/index.ts';
import { decodeCells } from './staging/copy-text.ts';
import { auditImport, importCounts } from './import-audit.ts';
import { recordUploadSettings, type UploadSettings } from './mapping/import-adjustments.repository.ts';
import { errorReportHeader, errorReportLine, rowValues } from './import-files.ts';
import { invalidRowsAfter, pageImportRows, rowErrors, type RowFilter, statusChangeGuard } from './staging/import-rows.repository.ts';
import { transition } from '../../platform/operations/index.ts';
import { importOperation } from './import-operation.ts';
import { failImport, findImport, type ImportRecord, insertImport, listImportsPage, lockImport } from './imports.repository.ts';
import { toImportView, type ImportView } from './imports.schemas.ts';
import type { ImportStatus } from './imports.tables.ts';
import type { CellFix } from './mapping/row-fixes.ts';
import { runImportJob } from './run/run-import.job.ts';
import { validateImportJob } from './validation/validate-import.job.ts';
import { boundPreviewPage } from './validation/preview-limits.ts';
import { importWriteModes, writeOptionColumns, type WriteOptions } from './write-options.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/** Who asks, for which application, from where: every service call carries it. */
export interface ImportActor {
  operator: OperatorPrincipal;
  appId: string;
  ip: string | null;
}

export interface Upload {
  stream: NodeJS.ReadableStream;
  fileName: string;
  /** `default_region` and `preset` from the upload's query (docs/vendor-migration.md). */
  settings?: UploadSettings;
  /** The mode the preview forecasts (docs/import-ledger.md#modes); start may change it. */
  mode?: ImportMode;
}

export interface StartOptions extends WriteOptions {
  mode?: ImportMode;
  reason?: string;
  allow_unblock?: boolean;
}

const activeStatuses: ImportStatus[] = ['validating', 'ready', 'queued', 'running'];

export async function getImport(ctx: AppContext, appId: string, importId: string): Promise<ImportRecord> {
  const record = isUuid(importId) ? await findImport(ctx.db, appId, importId) : undefined;
  if (!record) throw notFound('Import');
  return record;
}

/** Streams the file to storage (never whole in memory), records the import, and queues its validation. */
export async function createImport(ctx: AppContext, actor: ImportActor, upload: Upload): Promise<ImportView> {
  const importId = randomUUID();
  const storageKey = `imports/${actor.appId}/${importId}.csv`;
  const maxBytes = ctx.config.IMPORT_MAX_BYTES;
  let bytes: number;
  try {
    ({ bytes } = await ctx.storage.put(storageKey, upload.stream, { maxBytes, contentType: 'text/csv' }));
  } catch (error) {
    if (error instanceof StorageTooLargeError || (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge(maxBytes);
    throw error;
  }
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertImport(trx, { id: importId, appId: actor.appId, fileName: upload.fileName, storageKey, fileBytes: bytes, createdBy: actor.operator.operatorId, mode: upload.mode ?? 'upsert' });
      await recordUploadSettings(trx, importId, upload.settings ?? {}, actor.operator.operatorId);
      await auditImport(trx, {
        orgId: actor.operator.orgId,
        appId: actor.appId,
        importId,
        action: 'import.created',
        actor: actor.operator,
        operatorId: actor.operator.operatorId,
        ip: actor.ip,
        details: { file_name: upload.fileName, file_bytes: bytes, mode: upload.mode ?? 'upsert' },
      });
    });
  } catch (error) {
    await ctx.storage.delete(storageKey).catch(() => {});
    throw error;
  }
  try {
    await ctx.jobs.send(validateImportJob, { importId }, { organizationId: actor.operator.orgId });
  } catch (error) {
    await failImport(ctx.db, importId, ['validating'], { code: 'queue_unavailable', message: 'Validation could not be queued; upload the file again.' });
    throw error;
  }
  return toImportView(await getImport(ctx, actor.appId, importId));
}

export function fileTooLarge(maxBytes: number): AppError {
  return tooLarge('file_too_large', `The file is larger than the ${formatBytes(maxBytes)} an import accepts (IMPORT_MAX_BYTES)`);
}

export function missingFile(): AppError {
  return badRequest('missing_file', 'Send the CSV file as the multipart field "file", or as the body with Content-Type: text/csv');
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

export async function listImports(ctx: AppContext, appId: string, pageSize: number, cursor?: string): Promise<{ results: ImportView[]; next: string | null }> {
  const before = cursor === undefined ? undefined : importCursor.decode(cursor);
  const rows = await listImportsPage(ctx.db, appId, pageSize + 1, before);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const next = rows.length > pageSize && last ? importCursor.encode({ createdAt: last.created_at.toISOString(), id: last.id }) : null;
  return { results: page.map(toImportView), next };
}

/** Imports page newest first by (created_at, id). */
const importCursor = cursorCodec('imports', z.object({ createdAt: cursorParts.instant, id: cursorParts.id }));

/**
 * Moves a ready import to queued and hands it to a worker. Only a ready import can start. The status
 * guard (docs/import-ledger.md#status-guard) is checked here against the preview and again by the run against the data as it is then.
 */
export async function startImport(ctx: AppContext, actor: ImportActor, importId: string, options: StartOptions = {}): Promise<ImportView> {
  await getImport(ctx, actor.appId, importId);
  const reason = validateNote('reason', options.reason, { required: false, maxChars: MAX_STATUS_REASON_CHARS });
  if (!reason.ok) throw validationError([reason.error]);
  await ctx.db.transaction().execute(async (trx) => {
    const current = await lockImport(trx, actor.appId, importId);
    if (!current) throw notFound('Import');
    if (current.status !== 'ready') throw conflict('invalid_state', `The import is ${current.status}; only a ready import can start`);
    const mode = options.mode ?? current.mode;
    const allowUnblock = options.allow_unblock === true;
    // Which rows are valid was decided by the preview: changing it needs validation again.
    if (options.invalid_cells && options.invalid_cells !== current.invalid_cells) {
      throw conflict('preview_outdated', `The preview was made with invalid_cells ${current.invalid_cells}; set ${options.invalid_cells} with PUT …/options (which validates again) before starting`);
    }
    await assertStatusGuard(ctx, importId, mode, reason.value, allowUnblock);
    const written = writeOptionColumns(options);
    const modes = importWriteModes({ ...current, ...written }, current.column_map);
    await transition(trx, importOperation, { id: importId, appId: actor.appId }, {
      to: 'queued',
      from: ['ready'],
      set: { started_by: actor.operator.operatorId, mode, status_reason: reason.value, allow_unblock: allowUnblock, ...written },
    });
    await auditImport(trx, {
      orgId: actor.operator.orgId,
      appId: actor.appId,
      importId,
      action: 'import.started',
      actor: actor.operator,
      operatorId: actor.operator.operatorId,
      ip: actor.ip,
      details: { file_name: current.file_name, mode, reason: reason.value, allow_unblock: allowUnblock, tags_mode: modes.tags, metadata_mode: modes.metadata, invalid_cells: current.invalid_cells, ...importCounts(current) },
    });
  });
  try {
    await ctx.jobs.send(runImportJob, { importId }, { organizationId: actor.operator.orgId });
  } catch (error) {
    await transition(ctx.db, importOperation, { id: importId, appId: actor.appId }, { to: 'ready', from: ['queued'], set: { started_by: null } });
    throw error;
  }
  return toImportView(await getImport(ctx, actor.appId, importId));
}

/** 422 when the preview's status changes lack a reason, or lift BLOCKED without consent (create_only changes no existing user). */
async function assertStatusGuard(ctx: AppContext, importId: string, mode: ImportMode, reason: string | null, allowUnblock: boolean): Promise<void> {
  if (mode === 'create_only') return;
  const guard = await statusChangeGuard(ctx.database.pool, importId);
  if (guard.unreasoned > 0 && reason === null) {
    throw invalid(
      'status_reason_required',
      `${guard.unreasoned} row${guard.unreasoned === 1 ? '' : 's'} change${guard.unreasoned === 1 ? 's' : ''} a user's status without a reason: give "reason" for the whole import, or a status_reason column in the file.`,
    );
  }
  if (guard.unblocks > 0 && !allowUnblock) {
    throw invalid(
      'unblock_not_confirmed',
      `${guard.unblocks} row${guard.unblocks === 1 ? '' : 's'} move${guard.unblocks === 1 ? 's' : ''} a user away from BLOCKED: confirm with "allow_unblock": true.`,
    );
  }
}

/**
 * Stops an import that has not finished. A running import's current chunk commits first (the
 * lock below waits for it), so the counts in the answer are final and exact.
 */
export async function cancelImport(ctx: AppContext, actor: ImportActor, importId: string): Promise<ImportView> {
  await getImport(ctx, actor.appId, importId);
  await ctx.db.transaction().execute(async (trx) => {
    const current = await lockImport(trx, actor.appId, importId);
    if (!current) throw notFound('Import');
    if (!activeStatuses.includes(current.status)) throw conflict('invalid_state', `The import is ${current.status}; it can no longer be cancelled`);
    await transition(trx, importOperation, { id: importId, appId: actor.appId }, { to: 'cancelled', from: [current.status] });
    const cancelled = await trx.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow();
    await auditImport(trx, {
      orgId: actor.operator.orgId,
      appId: actor.appId,
      importId,
      action: 'import.cancelled',
      actor: actor.operator,
      operatorId: actor.operator.operatorId,
      ip: actor.ip,
      details: { file_name: current.file_name, cancelled_while: current.status, ...importCounts(cancelled) },
    });
  });
  return toImportView(await getImport(ctx, actor.appId, importId));
}

function assertRowsAvailable(record: ImportRecord): void {
  if (record.status === 'validating') throw conflict('invalid_state', 'The import is still validating; its rows appear once it is ready');
  if (record.file_deleted_at) {
    throw new AppError('rows_expired', record.error?.code === 'discarded' ? 'This import was discarded: its file and rows are deleted' : 'The rows of this import have passed their retention period');
  }
}

export async function listImportRows(ctx: AppContext, appId: string, importId: string, query: { only?: RowFilter; offset: number; limit: number }) {
  const record = await getImport(ctx, appId, importId);
  assertRowsAvailable(record);
  const only = query.only === 'skip' ? 'invalid' : query.only;
  // These totals are on the import already; only an action filter needs counting.
  const known = only === undefined ? record.total_rows : only === 'invalid' ? record.invalid_rows : only === 'valid' ? record.valid_rows : undefined;
  const page = await pageImportRows(ctx.database.pool, importId, only, query.offset, query.limit, known);
  return {
    rows: boundPreviewPage(
      page.rows.map((row) => ({
        row: row.row,
        line: row.line,
        values: rowValues(decodeCells(row.cells), record.columns),
        action: row.action,
        errors: rowErrors(row),
        ...(row.changes ? { changes: row.changes } : {}),
        warnings: row.warnings ?? [],
        ...(row.fixes ? { fixes: row.fixes as CellFix[] } : {}),
      })),
    ),
    total: page.total,
  };
}

/** The error report, streamed a page at a time: every invalid row, its line, its reasons and its cells. */
export async function errorReport(ctx: AppContext, appId: string, importId: string): Promise<{ fileName: string; body: Readable }> {
  const record = await getImport(ctx, appId, importId);
  assertRowsAvailable(record);
  async function* lines(): AsyncGenerator<string> {
    // The source's own separator, so the report opens the way the file did (comma for xlsx and JSON).
    const delimiter = record.format === 'csv' || record.format === null ? (record.delimiter ?? ',') : ',';
    yield errorReportHeader(record.columns, delimiter);
    let after = 0;
    for (;;) {
      const rows = await invalidRowsAfter(ctx.database.pool, importId, after, 2_000);
      if (rows.length === 0) return;
      let text = '';
      for (const row of rows) text += errorReportLine(row, record.columns, delimiter);
      yield text;
      after = rows.at(-1)!.row;
    }
  }
  const base = record.file_name.replace(/\.[^.]*$/, '') || 'import';
  return { fileName: `${base}-errors.csv`, body: Readable.from(lines()) };
}
