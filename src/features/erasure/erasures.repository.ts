import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ErasuresTable } from './erasure.tables.ts';

/** SQL for erasures and their held records; every read by an operator is scoped by the application id. */

type Db = Kysely<Database> | Transaction<Database>;

export type ErasureRecord = Selectable<ErasuresTable>;

export async function findErasure(db: Db, appId: string, id: string): Promise<ErasureRecord | undefined> {
  return db.selectFrom('erasures').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
}

/** Only for the job, whose payload names the erasure alone. */
export async function findErasureForJob(db: Db, id: string): Promise<ErasureRecord | undefined> {
  return db.selectFrom('erasures').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findErasureOfUser(db: Db, appId: string, userId: string): Promise<ErasureRecord | undefined> {
  return db.selectFrom('erasures').selectAll().where('app_id', '=', appId).where('didit_internal_id', '=', userId).executeTakeFirst();
}

export async function listErasures(db: Db, appId: string, filter: { userId?: string; limit: number; before?: { createdAt: Date; id: string } }): Promise<ErasureRecord[]> {
  let query = db.selectFrom('erasures').selectAll().where('app_id', '=', appId);
  if (filter.userId) query = query.where('didit_internal_id', '=', filter.userId);
  if (filter.before) {
    const before = filter.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
}

export async function findHeldRecord(db: Db, appId: string, erasureId: string) {
  return db.selectFrom('erasure_holds').selectAll().where('app_id', '=', appId).where('erasure_id', '=', erasureId).executeTakeFirst();
}

/** Held records past their hold_until, oldest first. */
export async function findExpiredHolds(db: Db, now: Date, limit: number, appId?: string) {
  let query = db
    .selectFrom('erasure_holds')
    .innerJoin('erasures', 'erasures.id', 'erasure_holds.erasure_id')
    .select(['erasure_holds.erasure_id', 'erasure_holds.app_id', 'erasures.org_id', 'erasure_holds.hold_until', 'erasure_holds.didit_internal_id'])
    .where('erasure_holds.hold_until', '<=', now);
  if (appId) query = query.where('erasure_holds.app_id', '=', appId);
  return query.orderBy('erasure_holds.hold_until').limit(limit).execute();
}
