import type { AppContext } from '../../context.ts';
import { recordAudit, systemActor } from '../audit/index.ts';
import { faceKeysOfUsers } from './faces.repository.ts';
import { publishLedgerEntries } from './user-changes.repository.ts';

/** The users feature's part of an application's retention (docs/privacy.md#retention): old faces, inactive users. */

const BATCH = 500;
const retentionActor = systemActor('retention');

/** Faces uploaded before `before`: the image file first, then the record (a crash in between repeats an idempotent delete). */
export async function deleteFacesUploadedBefore(ctx: AppContext, appId: string, before: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const faces = await ctx.db.selectFrom('faces').select(['id', 'storage_key']).where('app_id', '=', appId).where('created_at', '<', before).orderBy('created_at').limit(BATCH).execute();
    for (const face of faces) await ctx.storage.delete(face.storage_key);
    if (faces.length > 0) deleted += Number((await ctx.db.deleteFrom('faces').where('app_id', '=', appId).where('id', 'in', faces.map((face) => face.id)).executeTakeFirst()).numDeletedRows);
    if (faces.length < BATCH) return deleted;
  }
}

/**
 * Users whose last activity (or creation, for one never active) is before `before`, deleted as the users
 * API deletes: one `user.deleted` entry and change each, faces and sessions with them.
 */
export async function deleteInactiveUsers(ctx: AppContext, app: { id: string; org_id: string }, before: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { count, faceKeys } = await ctx.db.transaction().execute(async (trx) => {
      const users = await trx
        .selectFrom('users')
        .select(['didit_internal_id', 'vendor_data'])
        .where('app_id', '=', app.id)
        .where((eb) => eb(eb.fn.coalesce('last_activity_at', 'created_at'), '<', before))
        .orderBy('didit_internal_id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (users.length === 0) return { count: 0, faceKeys: [] as string[] };
      const ids = users.map((user) => user.didit_internal_id);
      const faceKeys = await faceKeysOfUsers(trx, app.id, ids);
      await trx.deleteFrom('users').where('app_id', '=', app.id).where('didit_internal_id', 'in', ids).execute();
      const entries: string[] = [];
      for (const user of users) {
        const details = { vendor_data: user.vendor_data, count: 1, didit_internal_ids: [user.didit_internal_id], reason: `inactive since before ${before.toISOString().slice(0, 10)} (retention)` };
        entries.push(await recordAudit(trx, { orgId: app.org_id, appId: app.id, actor: retentionActor, action: 'user.deleted', target: { type: 'user', id: user.didit_internal_id }, details }));
      }
      await publishLedgerEntries(trx, app.id, entries);
      return { count: users.length, faceKeys };
    });
    for (const key of faceKeys) await ctx.storage.delete(key);
    deleted += count;
    if (count < BATCH) return deleted;
  }
}
