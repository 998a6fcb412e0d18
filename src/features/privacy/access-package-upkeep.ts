import type { AppContext } from '../../context.ts';
import { type OperationUpkeep, transition } from '../../platform/operations/index.ts';
import { systemActor } from '../audit/index.ts';
import { failAccessPackage } from './access-package.job.ts';
import { accessPackageOperation } from './access-package-operation.ts';
import { appOfPackage, findAccessPackage, findExpiredPackages } from './access-packages.repository.ts';

const BATCH = 200;
const retentionActor = systemActor('retention');

/** Deletes a package's ZIP once its link has expired (audited), the file first so a crash only repeats a deletion. */
async function deleteExpiredPackages(ctx: AppContext, now: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const due = await findExpiredPackages(ctx.db, now, BATCH);
    for (const record of due) {
      if (record.storage_key) await ctx.storage.delete(record.storage_key);
      const moved = await transition(ctx.db, accessPackageOperation, { id: record.id, appId: record.app_id }, {
        to: 'expired',
        set: { file_deleted_at: new Date() },
        audit: { orgId: record.org_id, appId: record.app_id, actor: retentionActor, details: { reason: 'download link expired', didit_internal_id: record.user_id, expired_at: record.expires_at?.toISOString() } },
      });
      if (moved) deleted++;
    }
    if (due.length < BATCH) return deleted;
  }
}

/** Registered with the one sweeper (docs/operations.md): a package whose worker died for good fails, with a mail. */
export const accessPackageUpkeep: OperationUpkeep<AppContext> = {
  kind: accessPackageOperation,
  async failSilent(ctx, silent) {
    for (const { id } of silent) {
      const appId = await appOfPackage(ctx.db, id);
      const record = appId && (await findAccessPackage(ctx.db, appId, id));
      if (record) await failAccessPackage(ctx, record, 'The worker building the package stopped and did not come back; please request it again');
    }
  },
  retention: deleteExpiredPackages,
};
