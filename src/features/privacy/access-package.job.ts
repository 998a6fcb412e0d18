import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { buildZipArchive } from '../../platform/archive/zip-writer.ts';
import { defineJob, type JobInfo } from '../../platform/jobs/jobs.ts';
import { keepAlive, OperationLeft, transition } from '../../platform/operations/index.ts';
import { systemActor } from '../audit/index.ts';
import { readSubjectUser } from '../users/index.ts';
import { buildAccessPackageFiles } from './access-package-contents.ts';
import { signedAccessPackageUrl } from './access-package-link.ts';
import { accessPackageFailedMail, accessPackageReadyMail } from './access-package-mail.ts';
import { accessPackageOperation } from './access-package-operation.ts';
import { type AccessPackageRecord, findAccessPackage } from './access-packages.repository.ts';

/** Attempts after the first; a worker that dies mid-build is noticed by pg-boss's heartbeat and retried. */
export const ACCESS_PACKAGE_RETRY_LIMIT = 2;

export const accessPackageJob = defineJob<{ packageId: string; appId: string }, AppContext>({
  name: 'access-package.build',
  payload: z.object({ packageId: z.string().uuid(), appId: z.string().uuid() }),
  queue: { notify: true, heartbeatSeconds: 10, retryLimit: ACCESS_PACKAGE_RETRY_LIMIT, retryDelay: 3, expireInSeconds: 3600 },
  perOrganization: 1,
  handle: (payload, ctx, job) => buildAccessPackage(ctx, payload, job),
});

const worker = systemActor('access package worker');

/** Where attempt `n` of a package stores its ZIP; a later attempt deletes the earlier ones' leftovers. */
const attemptKey = (appId: string, packageId: string, attempt: number) => `access-packages/${appId}/${packageId}/attempt-${attempt}.zip`;

/** One attempt: the ZIP is stored whole, then the package becomes `completed` in one guarded update, then mailed. */
export async function buildAccessPackage(ctx: AppContext, payload: { packageId: string; appId: string }, job: Pick<JobInfo, 'retryCount'> & { signal?: AbortSignal }): Promise<void> {
  const { packageId, appId } = payload;
  const claimed = await ctx.db.transaction().execute(async (trx) => {
    const moved = await transition(trx, accessPackageOperation, { id: packageId, appId }, { to: 'running', from: ['queued', 'running'], set: { attempts: sql`attempts + 1`, started_at: sql`coalesce(started_at, now())` } });
    return moved ? findAccessPackage(trx, appId, packageId) : undefined;
  });
  if (!claimed) return; // Already ended: a duplicate delivery of the job.
  const attempt = claimed.attempts;
  for (let earlier = 1; earlier < attempt; earlier++) await ctx.storage.delete(attemptKey(appId, packageId, earlier)).catch(() => {});
  const alive = keepAlive(ctx.db, accessPackageOperation, { id: packageId, appId }, { jobSignal: job.signal, where: { attempts: attempt } });
  const key = attemptKey(appId, packageId, attempt);
  try {
    const files = await buildAccessPackageFiles(ctx, { id: appId, org_id: claimed.org_id, name: claimed.app_name }, claimed.user_id);
    if (!files) {
      await failAccessPackage(ctx, claimed, 'The user no longer exists in this application (deleted or erased since the request)');
      return;
    }
    alive.checkpoint();
    const archive = buildZipArchive(files);
    await ctx.storage.put(key, archive, { contentType: 'application/zip' });
    // Whole seconds, so the link's expiry and the package's are the same instant.
    const expiresAt = new Date(Math.floor((Date.now() + ctx.config.EXPORT_LINK_TTL * 1000) / 1000) * 1000);
    const completed = await transition(ctx.db, accessPackageOperation, { id: packageId, appId }, {
      to: 'completed',
      from: ['running'],
      where: { attempts: attempt },
      set: { storage_key: key, bytes: archive.length, files: JSON.stringify(files.map((file) => ({ name: file.name, bytes: file.data.length }))), expires_at: expiresAt, error: null },
      audit: { orgId: claimed.org_id, appId, actor: worker, details: { didit_internal_id: claimed.user_id, requested_by: claimed.requested_by, bytes: archive.length, files: files.length } },
    });
    if (!completed) {
      await ctx.storage.delete(key).catch(() => {});
      return;
    }
    const user = await readSubjectUser(ctx.db, appId, claimed.user_id);
    await sendQuietly(ctx, accessPackageReadyMail({
      to: claimed.requested_by_email,
      appName: claimed.app_name,
      vendorData: String(user?.vendor_data ?? claimed.user_id),
      downloadUrl: signedAccessPackageUrl(ctx.config.PUBLIC_URL, ctx.config.ROSTER_SECRET, packageId, expiresAt),
      expiresAt,
    }));
  } catch (error) {
    await ctx.storage.delete(key).catch(() => {});
    if (alive.signal.reason instanceof OperationLeft) return;
    const reason = error instanceof Error ? error.message : String(error);
    if (job.retryCount < ACCESS_PACKAGE_RETRY_LIMIT || job.signal?.aborted) {
      ctx.log.warn(`access package ${packageId}: attempt ${attempt} failed, will retry: ${reason}`);
      await transition(ctx.db, accessPackageOperation, { id: packageId, appId }, { to: 'queued', from: ['running'], where: { attempts: attempt } });
      throw error;
    }
    ctx.log.error(`access package ${packageId}: failed after ${attempt} attempts: ${reason}`);
    await failAccessPackage(ctx, claimed, 'The package could not be built (the details are in the server log); please request it again');
  } finally {
    alive.stop();
  }
}

/** Marks a package failed, audits it and tells the requester; a no-op if it already ended. */
export async function failAccessPackage(ctx: AppContext, record: AccessPackageRecord, reason: string): Promise<void> {
  const failed = await transition(ctx.db, accessPackageOperation, { id: record.id, appId: record.app_id }, {
    to: 'failed',
    set: { error: reason },
    audit: { orgId: record.org_id, appId: record.app_id, actor: worker, details: { didit_internal_id: record.user_id, reason, requested_by: record.requested_by } },
  });
  if (failed) await sendQuietly(ctx, accessPackageFailedMail({ to: record.requested_by_email, appName: record.app_name, reason, packageId: record.id }));
}

/** The package's state is settled before mail goes out; a mail server being down must not undo or repeat it. */
async function sendQuietly(ctx: AppContext, message: Parameters<AppContext['mailer']['send']>[0]): Promise<void> {
  await ctx.mailer.send(message).catch((error: Error) => ctx.log.warn(`access package mail to ${message.to} could not be sent: ${error.message}`));
}
