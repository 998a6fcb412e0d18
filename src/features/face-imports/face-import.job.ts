import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../http/errors.ts';
import { defineJob, type JobInfo } from '../../platform/jobs/jobs.ts';
import { type KeepAlive, keepAlive, type OperationUpkeep, OperationLeft, transition } from '../../platform/operations/index.ts';
import { systemActor } from '../audit/audit-writer.public.ts';
import type { OperatorPrincipal } from '../auth/index.ts';
import { checkFaceImage, findUser, MAX_FACE_BYTES, storeFace, type UsersActor } from '../users/index.ts';
import { ArchiveError, type OpenedArchive, openArchive, readEntry } from './face-archive.ts';
import { type PlannedEntry, planEntries } from './face-import-plan.ts';
import { faceImportOperation } from './face-import-operation.ts';
import { EntryAlreadyRecorded, type EntryOutcome, findFaceImportForJob, recordEntry, recordedEntries } from './face-imports.repository.ts';
import type { FaceEntryReason, FaceImportError } from './face-imports.tables.ts';

export const FACE_IMPORT_RETRY_LIMIT = 10;
/** All entries of one archive together may inflate to this many times the archive's size (plus a floor). */
export const MAX_INFLATION_RATIO = 20;
export const MIN_INFLATED_ALLOWANCE = 64 * 1024 * 1024;
/** Entries in flight at once (each holds at most one 2 MB image). */
const ENTRY_CONCURRENCY = 4;
/** Face imports of one organization processed at once; the other worker slot serves the other organizations (docs/operations.md). */
export const FACE_IMPORTS_PER_ORGANIZATION = 1;

/** Processes a stored face ZIP entry by entry; each entry commits with its report row, so a retry skips it. */
export const faceImportJob = defineJob<{ faceImportId: string }, AppContext>({
  name: 'face-imports.process',
  payload: z.object({ faceImportId: z.string().uuid() }),
  // A killed worker stops heartbeating; pg-boss fails its job and the retry resumes at the cursor.
  queue: { heartbeatSeconds: 10, expireInSeconds: 6 * 3600, retryLimit: FACE_IMPORT_RETRY_LIMIT, retryDelay: 1, notify: true },
  perOrganization: FACE_IMPORTS_PER_ORGANIZATION,
  async handle({ faceImportId }, ctx, job) {
    try {
      await processFaceImport(ctx, faceImportId, job);
    } catch (error) {
      if (error instanceof ArchiveError) return endFaceImport(ctx, faceImportId, { code: error.code, message: error.message });
      if (job.retryCount >= FACE_IMPORT_RETRY_LIMIT) {
        return endFaceImport(ctx, faceImportId, { code: 'processing_failed', message: `Processing stopped after ${FACE_IMPORT_RETRY_LIMIT + 1} attempts: ${(error as Error).message}. Faces added before stay.` });
      }
      throw error;
    }
  },
  // Its process died twice on this archive (platform/jobs/job-runs.ts): it fails instead of a third try.
  async poisoned({ faceImportId }, ctx, message) {
    await endFaceImport(ctx, faceImportId, { code: 'job_crashed', message: `${message} Faces added before stay.` });
  },
});

export async function processFaceImport(ctx: AppContext, faceImportId: string, job: Pick<JobInfo, 'signal'>): Promise<void> {
  const record = await findFaceImportForJob(ctx.db, faceImportId);
  if (!record || (record.status !== 'queued' && record.status !== 'running')) return;
  const folder = await mkdtemp(path.join(os.tmpdir(), 'roster-faces-'));
  let archive: OpenedArchive | undefined;
  let alive: KeepAlive | undefined;
  try {
    // yauzl reads the central directory at the end of the file, so the archive needs a seekable copy.
    const zipPath = path.join(folder, 'faces.zip');
    await pipeline(await ctx.storage.get(record.storage_key), createWriteStream(zipPath));
    archive = await openArchive(zipPath);
    const planned = await planEntries(archive);
    if (!(await transition(ctx.db, faceImportOperation, { id: faceImportId }, { to: 'running', set: { total: planned.length, started_at: new Date() } }))) return;
    // The heartbeat notices a cancel: the lanes stop before their next entry.
    alive = keepAlive(ctx.db, faceImportOperation, { id: faceImportId }, { jobSignal: job.signal });
    const checkpoint = alive.checkpoint;
    const actor: UsersActor = { principal: await operatorPrincipal(ctx, record.created_by, record.org_id), appId: record.app_id, ip: null };
    const inflatedAllowance = Math.max(MIN_INFLATED_ALLOWANCE, record.file_bytes * MAX_INFLATION_RATIO);
    let inflated = Number(record.inflated_bytes);
    const recorded = await recordedEntries(ctx.db, faceImportId);
    const pending = planned.map((_, index) => index).filter((index) => !recorded.has(index));
    // A few entries at once: each waits mostly on its file's fsync and its commit, not on this process.
    let next = 0;
    let failure: { error: unknown } | undefined;
    const lane = async () => {
      while (!failure && next < pending.length) {
        checkpoint();
        const entry = pending[next++]!;
        if (inflated > inflatedAllowance) {
          throw new ArchiveError('zip_bomb', `The archive inflates to more than ${MAX_INFLATION_RATIO} times its size; entries from ${planned[entry]!.file} on were not read`);
        }
        // Not `inflated += await …`: that would read the total before the await and lose the other lanes' bytes.
        const bytes = await processEntry(ctx, archive!, actor, faceImportId, entry, planned[entry]!);
        inflated += bytes;
      }
    };
    // Every lane ends before the error is passed on, so nothing of this attempt runs on behind the retry.
    await Promise.all(Array.from({ length: ENTRY_CONCURRENCY }, () => lane().catch((error: unknown) => void (failure ??= { error }))));
    if (failure) {
      // Cancelled, or swept: the import has ended already; nothing to retry.
      if (alive.signal.reason instanceof OperationLeft) return;
      throw failure.error;
    }
    await transition(ctx.db, faceImportOperation, { id: faceImportId }, { to: 'completed', from: ['running'], audit: await endAudit(ctx, faceImportId) });
    await ctx.storage.delete(record.storage_key).catch(() => {});
  } finally {
    alive?.stop();
    archive?.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** One entry: decide its outcome, add the face if it passes, record it. Answers the bytes it inflated. */
async function processEntry(ctx: AppContext, archive: OpenedArchive, actor: UsersActor, faceImportId: string, entry: number, planned: PlannedEntry): Promise<number> {
  const base = { entry, file: planned.file, vendorData: planned.vendorData, faceId: null, inflatedBytes: 0 };
  const skip = (reason: FaceEntryReason, inflatedBytes = 0, outcome: EntryOutcome['outcome'] = 'skipped') =>
    record(ctx, faceImportId, { ...base, outcome, reason, inflatedBytes }).then(() => inflatedBytes);
  if (planned.skip || !planned.archiveFile) return skip(planned.skip ?? 'missing_file');
  const user = await findUser(ctx, actor.appId, { vendorData: planned.vendorData ?? '' }).catch((error: unknown) => {
    if (error instanceof AppError && error.status === 404) return null;
    throw error;
  });
  if (!user) return skip('unknown_user');
  const read = await readEntry(archive, planned.archiveFile, MAX_FACE_BYTES);
  if (read.kind === 'too_large') return skip('too_large', read.inflated);
  if (read.kind === 'unreadable') return skip('unreadable', read.inflated, 'failed');
  let info;
  try {
    info = checkFaceImage(read.bytes);
  } catch (error) {
    if (error instanceof AppError) return skip(error.code === 'image_too_large' ? 'too_large' : 'not_an_image', read.inflated);
    throw error;
  }
  try {
    await storeFace(ctx, actor, user, { bytes: read.bytes, info, comment: null }, {
      auditDetails: { face_import_id: faceImportId, file: planned.file },
      alsoInTransaction: (trx, faceId) => recordEntry(trx, faceImportId, { ...base, outcome: 'added', reason: null, faceId, inflatedBytes: read.inflated }),
    });
  } catch (error) {
    if (error instanceof EntryAlreadyRecorded) return read.inflated;
    if (error instanceof AppError && error.code === 'duplicate_face') return skip('duplicate', read.inflated);
    if (error instanceof AppError && error.code === 'too_many_faces') return skip('face_limit', read.inflated);
    // The user was deleted between the lookup and the write.
    if (error instanceof AppError && error.status === 404) return skip('unknown_user', read.inflated);
    throw error;
  }
  return read.inflated;
}

async function record(ctx: AppContext, faceImportId: string, outcome: EntryOutcome): Promise<void> {
  try {
    await ctx.db.transaction().execute((trx) => recordEntry(trx, faceImportId, outcome));
  } catch (error) {
    if (!(error instanceof EntryAlreadyRecorded)) throw error;
  }
}

/** The operator who uploaded the ZIP: the faces are theirs in the audit trail. */
async function operatorPrincipal(ctx: AppContext, operatorId: string, orgId: string): Promise<OperatorPrincipal> {
  const operator = await ctx.db.selectFrom('operators').select(['id', 'email', 'name', 'role']).where('id', '=', operatorId).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return { kind: 'operator', operatorId: operator.id, orgId, role: operator.role, email: operator.email, name: operator.name, via: 'session' };
}

export async function endFaceImport(ctx: AppContext, faceImportId: string, error: FaceImportError): Promise<void> {
  const record = await findFaceImportForJob(ctx.db, faceImportId);
  if (!record) return;
  const ended = await transition(ctx.db, faceImportOperation, { id: faceImportId }, { to: 'failed', set: { error: JSON.stringify(error) }, audit: await endAudit(ctx, faceImportId, { error }) });
  if (ended) await ctx.storage.delete(record.storage_key).catch(() => {});
}

/** The end's audit entry: the counts as they stand (the entries recorded so far). */
async function endAudit(ctx: AppContext, faceImportId: string, extra: Record<string, unknown> = {}) {
  const record = (await findFaceImportForJob(ctx.db, faceImportId))!;
  return {
    orgId: record.org_id,
    appId: record.app_id,
    actor: systemActor(),
    details: { file_name: record.file_name, total: record.total, added: record.added, skipped: record.skipped, failed: record.failed, created_by: record.created_by, ...extra },
  };
}

/** For the one sweeper: a face import whose worker went silent is failed, not left running. */
export const faceImportUpkeep: OperationUpkeep<AppContext> = {
  kind: faceImportOperation,
  async failSilent(ctx, silent) {
    for (const { id } of silent) {
      await endFaceImport(ctx, id, { code: 'processing_failed', message: 'The worker handling this face import stopped and did not come back; faces added before stay. Upload the ZIP again to finish it (added faces come out as duplicates).' });
    }
  },
};
