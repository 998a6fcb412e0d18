import type { AppContext } from '../../context.ts';
import { recordAudit, systemActor } from '../audit/index.ts';
import { findExpiredHolds } from './erasures.repository.ts';

const BATCH = 200;

/**
 * Purges held records whose hold has ended (docs/privacy.md#legal-hold): the row goes, the erasure keeps
 * `hold_purged_at`, and each purge is audited. Run by the daily retention job; answers how many.
 */
export async function purgeExpiredHolds(ctx: AppContext, now: Date, appId?: string): Promise<number> {
  let purged = 0;
  for (;;) {
    const due = await findExpiredHolds(ctx.db, now, BATCH, appId);
    for (const hold of due) {
      await ctx.db.transaction().execute(async (trx) => {
        const gone = await trx.deleteFrom('erasure_holds').where('erasure_id', '=', hold.erasure_id).executeTakeFirst();
        if (Number(gone.numDeletedRows) === 0) return;
        await trx.updateTable('erasures').set({ hold_purged_at: now }).where('id', '=', hold.erasure_id).execute();
        await recordAudit(trx, {
          orgId: hold.org_id,
          appId: hold.app_id,
          actor: systemActor('retention'),
          action: 'erasure.held_record_purged',
          target: { type: 'erasure', id: hold.erasure_id },
          details: { didit_internal_id: hold.didit_internal_id, hold_until: hold.hold_until.toISOString() },
        });
        purged++;
      });
    }
    if (due.length < BATCH) return purged;
  }
}
