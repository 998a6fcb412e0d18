import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AppContext } from '../../context.ts';
import { cursorCodec, cursorParts } from '../../http/cursor.ts';
import { AppError, badRequest, conflict, notFound, tooLarge } from '../../http/errors.ts';
import { transition } from '../../platform/operations/index.ts';
import { StorageTooLargeError } from '../../platform/storage/storage.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import type { OperatorPrincipal } from '../auth/index.ts';
import { csvLine } from '../imports/index.ts';
import { faceImportJob, endFaceImport } from './face-import.job.ts';
import { faceImportOperation } from './face-import-operation.ts';
import { entriesAfter, findFaceImport, insertFaceImport, listFaceImportsPage } from './face-imports.repository.ts';
import { type FaceImportView, toFaceImportView } from './face-imports.schemas.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/** Who asks, for which application, from where (the import roles; the route has checked them). */
export interface FaceImportActor {
  operator: OperatorPrincipal;
  appId: string;
  ip: string | null;
}

export interface ZipUpload {
  stream: NodeJS.ReadableStream;
  fileName: string;
}

export function zipTooLarge(maxBytes: number): AppError {
  return tooLarge('file_too_large', `The ZIP is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB a face import accepts (FACE_IMPORT_MAX_BYTES)`);
}

export function missingZip(): AppError {
  return badRequest('missing_file', 'Send the ZIP as the multipart field "file", or as the body with Content-Type: application/zip');
}

export async function getFaceImport(ctx: AppContext, appId: string, id: string): Promise<FaceImportView> {
  const record = isUuid(id) ? await findFaceImport(ctx.db, appId, id) : undefined;
  if (!record) throw notFound('Face import');
  return toFaceImportView(record);
}

/** Streams the ZIP to storage (never whole in memory), records the face import and queues its processing. */
export async function createFaceImport(ctx: AppContext, actor: FaceImportActor, upload: ZipUpload): Promise<FaceImportView> {
  const id = randomUUID();
  const storageKey = `face-imports/${actor.appId}/${id}.zip`;
  const maxBytes = ctx.config.FACE_IMPORT_MAX_BYTES;
  let bytes: number;
  try {
    ({ bytes } = await ctx.storage.put(storageKey, upload.stream, { maxBytes, contentType: 'application/zip' }));
  } catch (error) {
    if (error instanceof StorageTooLargeError || (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw zipTooLarge(maxBytes);
    throw error;
  }
  if (bytes === 0) {
    await ctx.storage.delete(storageKey);
    throw missingZip();
  }
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertFaceImport(trx, { id, appId: actor.appId, fileName: upload.fileName, storageKey, fileBytes: bytes, createdBy: actor.operator.operatorId });
      await recordAudit(trx, {
        orgId: actor.operator.orgId,
        appId: actor.appId,
        actor: actor.operator,
        ip: actor.ip,
        action: 'face_import.created',
        target: { type: 'face_import', id },
        details: { file_name: upload.fileName, file_bytes: bytes },
      });
    });
  } catch (error) {
    await ctx.storage.delete(storageKey).catch(() => {});
    throw error;
  }
  try {
    await ctx.jobs.send(faceImportJob, { faceImportId: id }, { organizationId: actor.operator.orgId });
  } catch (error) {
    await endFaceImport(ctx, id, { code: 'queue_unavailable', message: 'Processing could not be queued; upload the ZIP again.' });
    throw error;
  }
  return getFaceImport(ctx, actor.appId, id);
}

/**
 * Cancels a queued or running face import (the import roles; the route has checked them). A running
 * one stops before its next entry (its heartbeat notices); faces added before stay. Audited.
 */
export async function cancelFaceImport(ctx: AppContext, actor: FaceImportActor, id: string): Promise<FaceImportView> {
  const record = isUuid(id) ? await findFaceImport(ctx.db, actor.appId, id) : undefined;
  if (!record) throw notFound('Face import');
  const cancelled = await transition(ctx.db, faceImportOperation, { id, appId: actor.appId }, {
    to: 'cancelled',
    audit: { orgId: actor.operator.orgId, appId: actor.appId, actor: actor.operator, ip: actor.ip, details: { file_name: record.file_name, status_before: record.status, created_by: record.created_by } },
  });
  if (cancelled) await ctx.storage.delete(record.storage_key).catch(() => {});
  else if (record.status !== 'cancelled') throw conflict('face_import_finished', `This face import is ${record.status}; only a queued or running one can be cancelled`);
  return getFaceImport(ctx, actor.appId, id);
}

export async function listFaceImports(ctx: AppContext, appId: string, pageSize: number, cursor?: string): Promise<{ results: FaceImportView[]; next: string | null }> {
  const beforeSeq = cursor === undefined ? undefined : faceImportCursor.decode(cursor).seq;
  const rows = await listFaceImportsPage(ctx.db, appId, pageSize + 1, beforeSeq);
  const page = rows.slice(0, pageSize);
  const next = rows.length > pageSize ? faceImportCursor.encode({ seq: page.at(-1)!.seq }) : null;
  return { results: page.map(toFaceImportView), next };
}

/** Face imports page newest first by their sequence number. */
const faceImportCursor = cursorCodec('face imports', z.object({ seq: cursorParts.serial }));

export const reportColumns = ['entry', 'file', 'vendor_data', 'outcome', 'reason', 'face_id'] as const;

/** The per-entry report so far, streamed a page at a time (UTF-8 with BOM, like every CSV Roster hands out). */
export async function faceImportReport(ctx: AppContext, appId: string, id: string): Promise<{ fileName: string; body: Readable }> {
  const view = await getFaceImport(ctx, appId, id);
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(reportColumns)}`;
    let after = -1;
    for (;;) {
      const rows = await entriesAfter(ctx.db, id, after, 2_000);
      if (rows.length === 0) return;
      yield rows.map((row) => csvLine([String(row.entry + 1), row.file, row.vendor_data ?? '', row.outcome, row.reason ?? '', row.face_id ?? ''])).join('');
      after = rows.at(-1)!.entry;
    }
  }
  return { fileName: `face-import-${view.id}-report.csv`, body: Readable.from(lines()) };
}
