import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, Role } from '../../db/schema.ts';
import type { AccessPackageStatus } from './privacy.tables.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** SQL over access_packages; every query names the application (but the signed link's, which names none). */
export interface AccessPackageRecord {
  id: string;
  seq: number;
  app_id: string;
  org_id: string;
  app_name: string;
  user_id: string;
  status: AccessPackageStatus;
  requested_by: string;
  requested_by_email: string;
  requested_by_name: string;
  requested_by_role: Role;
  requested_by_removed_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  attempts: number;
  storage_key: string | null;
  bytes: number | null;
  files: { name: string; bytes: number }[] | null;
  expires_at: Date | null;
  file_deleted_at: Date | null;
  error: string | null;
}

function selectPackages(db: Db) {
  return db
    .selectFrom('access_packages as p')
    .innerJoin('applications as a', 'a.id', 'p.app_id')
    .innerJoin('operators as o', 'o.id', 'p.requested_by')
    .select([
      'p.id',
      sql<number>`p.seq::float8`.as('seq'),
      'p.app_id',
      'a.org_id',
      'a.name as app_name',
      'p.user_id',
      'p.status',
      'p.requested_by',
      'o.email as requested_by_email',
      'o.name as requested_by_name',
      'o.role as requested_by_role',
      'o.removed_at as requested_by_removed_at',
      'p.created_at',
      'p.started_at',
      'p.finished_at',
      'p.attempts',
      'p.storage_key',
      sql<number | null>`p.bytes::float8`.as('bytes'),
      'p.files',
      'p.expires_at',
      'p.file_deleted_at',
      'p.error',
    ]);
}

export async function insertAccessPackage(db: Db, values: { appId: string; userId: string; requestedBy: string }): Promise<string> {
  const row = await db.insertInto('access_packages').values({ app_id: values.appId, user_id: values.userId, requested_by: values.requestedBy }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export function findAccessPackage(db: Db, appId: string, id: string): Promise<AccessPackageRecord | undefined> {
  return selectPackages(db).where('p.app_id', '=', appId).where('p.id', '=', id).executeTakeFirst();
}

/** Only for the signed download link, which names no application: the signature is what authorizes it. */
export function findAccessPackageForDownload(db: Db, id: string): Promise<AccessPackageRecord | undefined> {
  return selectPackages(db).where('p.id', '=', id).executeTakeFirst();
}

export function listAccessPackagesOfUser(db: Db, appId: string, userId: string, limit: number): Promise<AccessPackageRecord[]> {
  return selectPackages(db).where('p.app_id', '=', appId).where('p.user_id', '=', userId).orderBy('p.seq', 'desc').limit(limit).execute();
}

/** Completed packages whose link expired before `now`: their ZIPs are due for deletion. */
export function findExpiredPackages(db: Db, now: Date, limit: number): Promise<AccessPackageRecord[]> {
  return selectPackages(db).where('p.status', '=', 'completed').where('p.expires_at', '<=', now).orderBy('p.expires_at').limit(limit).execute();
}

/** The app of a package, for the sweeper (which starts from ids alone). */
export async function appOfPackage(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('access_packages').select('app_id').where('id', '=', id).executeTakeFirst())?.app_id;
}
