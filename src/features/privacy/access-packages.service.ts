import type { AppContext } from '../../context.ts';
import { AppError, forbidden, notFound } from '../../http/errors.ts';
import { transition } from '../../platform/operations/index.ts';
import { StorageNotFoundError } from '../../platform/storage/storage.ts';
import { can } from '../../shared/roles.ts';
import { recordAudit, systemActor } from '../audit/index.ts';
import { authorize, loadOwnedApp, type OperatorPrincipal } from '../auth/index.ts';
import { readSubjectUser } from '../users/index.ts';
import { accessPackageJob } from './access-package.job.ts';
import { checkAccessPackageLink, signedAccessPackageUrl } from './access-package-link.ts';
import { accessPackageOperation } from './access-package-operation.ts';
import { type AccessPackageRecord, findAccessPackage, findAccessPackageForDownload, insertAccessPackage, listAccessPackagesOfUser } from './access-packages.repository.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/** Subject-access packages (docs/privacy.md#subject-access): requested for one user, built by a job, delivered by a signed link. */

const userNotFound = () => notFound('User', 'user_not_found');

export async function requestAccessPackage(ctx: AppContext, operator: OperatorPrincipal, appId: string, userId: string, ip: string | null): Promise<AccessPackageRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'privacy.access_packages');
  if (!isUuid(userId) || !(await readSubjectUser(ctx.db, app.id, userId))) throw userNotFound();
  const packageId = await ctx.db.transaction().execute(async (trx) => {
    const id = await insertAccessPackage(trx, { appId: app.id, userId, requestedBy: operator.operatorId });
    await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: operator, action: 'user.access_package_requested', target: { type: 'user', id: userId }, details: { access_package_id: id }, ip });
    return id;
  });
  try {
    await ctx.jobs.send(accessPackageJob, { packageId, appId: app.id }, { organizationId: app.org_id });
  } catch (error) {
    // Without a job nothing would ever build it: say so on the package instead of leaving it queued.
    await transition(ctx.db, accessPackageOperation, { id: packageId, appId: app.id }, { to: 'failed', set: { error: 'The package could not be queued; please request it again' } });
    throw error;
  }
  return (await findAccessPackage(ctx.db, app.id, packageId))!;
}

export async function getAccessPackage(ctx: AppContext, operator: OperatorPrincipal, appId: string, packageId: string): Promise<AccessPackageRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'privacy.access_packages');
  const record = isUuid(packageId) ? await findAccessPackage(ctx.db, app.id, packageId) : undefined;
  if (!record) throw notFound('Access package', 'access_package_not_found');
  return record;
}

export async function listUserAccessPackages(ctx: AppContext, operator: OperatorPrincipal, appId: string, userId: string): Promise<AccessPackageRecord[]> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'privacy.access_packages');
  if (!isUuid(userId)) throw userNotFound();
  return listAccessPackagesOfUser(ctx.db, app.id, userId, 20);
}

export function presentAccessPackage(ctx: AppContext, record: AccessPackageRecord) {
  const downloadable = record.status === 'completed' && record.expires_at !== null && record.expires_at.getTime() > Date.now();
  return {
    id: record.id,
    app_id: record.app_id,
    didit_internal_id: record.user_id,
    status: record.status,
    requested_by: { id: record.requested_by, email: record.requested_by_email, name: record.requested_by_name },
    created_at: record.created_at.toISOString(),
    finished_at: record.finished_at?.toISOString() ?? null,
    download_url: downloadable ? signedAccessPackageUrl(ctx.config.PUBLIC_URL, ctx.config.ROSTER_SECRET, record.id, record.expires_at!) : null,
    expires_at: record.expires_at?.toISOString() ?? null,
    bytes: record.bytes,
    files: downloadable ? record.files : null,
    error: record.error,
  };
}

export type AccessPackageDownload = { kind: 'stream'; body: NodeJS.ReadableStream; bytes: number | null; fileName: string } | { kind: 'redirect'; url: string } | { kind: 'head'; bytes: number | null; fileName: string };

const PRESIGNED_SECONDS = 300;
const invalidLink = () => forbidden('invalid_signature', 'This download link is not valid; use the link from the email or the console');

/** Checks the signed link and the requester as they are now, audits the download, and opens the ZIP (or a short S3 link). */
export async function openAccessPackageDownload(ctx: AppContext, packageId: string, query: { expires?: unknown; sig?: unknown }, ip: string | null, options: { headOnly?: boolean } = {}): Promise<AccessPackageDownload> {
  const check = isUuid(packageId) ? checkAccessPackageLink(ctx.config.ROSTER_SECRET, packageId, query.expires, query.sig) : 'invalid';
  if (check === 'invalid') throw invalidLink();
  const record = await findAccessPackageForDownload(ctx.db, packageId);
  if (!record) throw invalidLink();
  if (record.status === 'expired') throw new AppError('access_package_expired', 'This package has expired and its file was deleted; request a new one');
  if (check === 'expired' || (record.expires_at !== null && record.expires_at.getTime() <= Date.now())) throw forbidden('link_expired', 'This download link has expired; request a new package');
  if (record.status !== 'completed' || !record.storage_key) throw notFound('Access package file', 'access_package_not_found');
  if (record.requested_by_removed_at || !can(record.requested_by_role, 'privacy.access_packages')) {
    throw forbidden('requester_not_allowed', 'The operator who requested this package may no longer receive it; request a new one');
  }
  const fileName = `access-package-${record.user_id.slice(0, 8)}-${record.created_at.toISOString().slice(0, 10)}.zip`;
  if (options.headOnly) return { kind: 'head', bytes: record.bytes, fileName };
  let download: AccessPackageDownload;
  if (ctx.storage.kind === 's3') download = { kind: 'redirect', url: await ctx.storage.signedUrl(record.storage_key, { expiresInSeconds: PRESIGNED_SECONDS, downloadName: fileName, contentType: 'application/zip' }) };
  else {
    try {
      download = { kind: 'stream', body: await ctx.storage.get(record.storage_key), bytes: record.bytes, fileName };
    } catch (error) {
      if (error instanceof StorageNotFoundError) throw new AppError('access_package_expired', 'The file of this package no longer exists; request a new one');
      throw error;
    }
  }
  try {
    // A read of all the person's data: on record, naming them (docs/privacy.md#subject-access).
    await recordAudit(ctx.db, {
      orgId: record.org_id,
      appId: record.app_id,
      actor: systemActor('signed download link'),
      action: 'user.access_package_downloaded',
      target: { type: 'user', id: record.user_id },
      details: { access_package_id: record.id, requested_by: { id: record.requested_by, email: record.requested_by_email }, via: 'signed_link' },
      ip,
    });
  } catch (error) {
    if (download.kind === 'stream') (download.body as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    throw error;
  }
  return download;
}
