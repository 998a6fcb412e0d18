import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** SQL for face images; every query is scoped by the application id. */

type Db = Kysely<Database>;

export interface NewFace {
  id: string;
  userId: string;
  storageKey: string;
  contentType: string;
  bytes: number;
  comment: string | null;
  uploadedBy: string;
  sha256: Buffer;
}

export async function countFaces(db: Db, appId: string, userId: string): Promise<number> {
  const row = await db.selectFrom('faces').select((eb) => eb.fn.countAll<number>().as('count')).where('app_id', '=', appId).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function hasFaceWithHash(db: Db, appId: string, userId: string, sha256: Buffer): Promise<boolean> {
  const row = await db.selectFrom('faces').select('id').where('app_id', '=', appId).where('user_id', '=', userId).where('sha256', '=', sha256).executeTakeFirst();
  return row !== undefined;
}

/** Whether a stored face points at this file (keys are derived from the hash, so two attempts can share one). */
export async function faceUsesKey(db: Db, appId: string, storageKey: string): Promise<boolean> {
  const row = await db.selectFrom('faces').select('id').where('app_id', '=', appId).where('storage_key', '=', storageKey).executeTakeFirst();
  return row !== undefined;
}

export async function insertFace(db: Db, appId: string, face: NewFace) {
  return db
    .insertInto('faces')
    .values({
      id: face.id,
      app_id: appId,
      user_id: face.userId,
      storage_key: face.storageKey,
      content_type: face.contentType,
      bytes: face.bytes,
      comment: face.comment,
      uploaded_by: face.uploadedBy,
      sha256: face.sha256,
    })
    .returning(['id', 'storage_key', 'content_type', 'comment', 'uploaded_by', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function listFaces(db: Db, appId: string, userId: string) {
  return db
    .selectFrom('faces')
    .select(['id', 'storage_key', 'content_type', 'comment', 'uploaded_by', 'created_at'])
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Storage keys of the faces of these users, read before the users (and, by cascade, the faces) are deleted. */
export async function faceKeysOfUsers(db: Db, appId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db.selectFrom('faces').select('storage_key').where('app_id', '=', appId).where('user_id', 'in', userIds).execute();
  return rows.map((row) => row.storage_key);
}
