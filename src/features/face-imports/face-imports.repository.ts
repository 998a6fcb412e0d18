import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { FaceEntryOutcome, FaceEntryReason } from './face-imports.tables.ts';

/** SQL for face imports. Status changes go through the lifecycle (face-import-operation.ts, docs/operations.md). */

type Db = Kysely<Database> | Transaction<Database>;

export type FaceImportRecord = Awaited<ReturnType<typeof findFaceImport>> & {};

export async function insertFaceImport(db: Db, row: { id: string; appId: string; fileName: string; storageKey: string; fileBytes: number; createdBy: string }): Promise<void> {
  await db
    .insertInto('face_imports')
    .values({ id: row.id, app_id: row.appId, file_name: row.fileName, storage_key: row.storageKey, file_bytes: row.fileBytes, created_by: row.createdBy, heartbeat_at: new Date() })
    .execute();
}

/** Face imports with their creator's email and name, as the API shows them. */
function withCreator(db: Db) {
  return db
    .selectFrom('face_imports')
    .innerJoin('operators', 'operators.id', 'face_imports.created_by')
    .selectAll('face_imports')
    .select(['operators.email as creator_email', 'operators.name as creator_name']);
}

export function findFaceImport(db: Db, appId: string, id: string) {
  return withCreator(db).where('face_imports.app_id', '=', appId).where('face_imports.id', '=', id).executeTakeFirst();
}

/** The job's read: it has only the id (the payload carries nothing else), and the organization for the audit. */
export function findFaceImportForJob(db: Db, id: string) {
  return db
    .selectFrom('face_imports')
    .innerJoin('applications', 'applications.id', 'face_imports.app_id')
    .selectAll('face_imports')
    .select('applications.org_id')
    .where('face_imports.id', '=', id)
    .executeTakeFirst();
}

export function listFaceImportsPage(db: Db, appId: string, limit: number, beforeSeq?: number) {
  let query = withCreator(db).where('face_imports.app_id', '=', appId);
  if (beforeSeq !== undefined) query = query.where('face_imports.seq', '<', beforeSeq);
  return query.orderBy('face_imports.seq', 'desc').limit(limit).execute();
}

export interface EntryOutcome {
  entry: number;
  file: string;
  vendorData: string | null;
  outcome: FaceEntryOutcome;
  reason: FaceEntryReason | null;
  faceId: string | null;
  inflatedBytes: number;
}

/** Thrown inside an entry's transaction when another attempt has already recorded that entry. */
export class EntryAlreadyRecorded extends Error {}

/**
 * Records one entry's outcome and counts it, in the caller's transaction (the same one that adds the
 * face). The entry's primary key makes a second attempt at it (a retry racing the original) roll back.
 */
export async function recordEntry(trx: Transaction<Database>, faceImportId: string, outcome: EntryOutcome): Promise<void> {
  // Safe without waiting for the WAL flush: the face, its audit entry, the report row and the counts
  // commit or vanish together, and a lost entry is redone (its file key is the same), never doubled.
  await sql`SET LOCAL synchronous_commit = off`.execute(trx);
  const inserted = await trx
    .insertInto('face_import_entries')
    .values({ face_import_id: faceImportId, entry: outcome.entry, file: outcome.file, vendor_data: outcome.vendorData, outcome: outcome.outcome, reason: outcome.reason, face_id: outcome.faceId })
    .onConflict((oc) => oc.doNothing())
    .returning('entry')
    .executeTakeFirst();
  if (!inserted) throw new EntryAlreadyRecorded();
  // Last in the transaction: the import's row lock is held only for the commit.
  const counted = await trx
    .updateTable('face_imports')
    .set((eb) => ({
      heartbeat_at: new Date(),
      inflated_bytes: eb('inflated_bytes', '+', outcome.inflatedBytes),
      [outcome.outcome]: eb(outcome.outcome, '+', 1),
    }))
    .where('id', '=', faceImportId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (Number(counted.numUpdatedRows) === 0) throw new EntryAlreadyRecorded();
}

/** Entries already recorded: a retry skips them. */
export async function recordedEntries(db: Db, faceImportId: string): Promise<Set<number>> {
  const rows = await db.selectFrom('face_import_entries').select('entry').where('face_import_id', '=', faceImportId).execute();
  return new Set(rows.map((row) => row.entry));
}

export function entriesAfter(db: Db, faceImportId: string, afterEntry: number, limit: number) {
  return db
    .selectFrom('face_import_entries')
    .select(['entry', 'file', 'vendor_data', 'outcome', 'reason', 'face_id'])
    .where('face_import_id', '=', faceImportId)
    .where('entry', '>', afterEntry)
    .orderBy('entry')
    .limit(limit)
    .execute();
}
