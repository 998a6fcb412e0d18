import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type ErasableText, eraseChanges, eraseInJson, eraseInText, eraseUserObject, type Needles } from '../../platform/erasure/erase-values.ts';
import { personalDataFields } from '../../shared/user-catalogue.ts';
import { type AuditActor, recordAudit } from '../audit/index.ts';
import { publishLedgerEntries } from './user-changes.repository.ts';
import { readSubjectSessions, type SubjectSession } from './subject-data.ts';

/**
 * The users feature's part of an erasure (docs/privacy.md#erasure): what identifies the person, the
 * removal of the user row with its faces and sessions (and the `user.erased` change), and the feed's
 * personal values replaced by "[erased]". The users and user_changes tables keep their one writer.
 */

type Db = Kysely<Database> | Transaction<Database>;

/** The person as the erasure needs them: to find them in free text, and for the held record. */
export interface ErasureSubject {
  didit_internal_id: string;
  vendor_data: string;
  full_name: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  date_of_birth: string | null;
  created_at: string;
  sessions: SubjectSession[];
}

export async function readErasureSubject(db: Db, appId: string, userId: string): Promise<ErasureSubject | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['didit_internal_id', 'vendor_data', 'full_name', 'display_name', 'email', 'phone', sql<string | null>`to_char(date_of_birth, 'YYYY-MM-DD')`.as('date_of_birth'), 'created_at'])
    .where('app_id', '=', appId)
    .where('didit_internal_id', '=', userId)
    .executeTakeFirst();
  if (!user) return undefined;
  return { ...user, created_at: user.created_at.toISOString(), sessions: await readSubjectSessions(db, appId, userId) };
}

export interface RemovedUser {
  found: boolean;
  faceKeys: string[];
  sessions: number;
}

/**
 * Deletes the user (faces and sessions go with it, ON DELETE CASCADE) and writes `user.erased` to the
 * ledger and the feed, in the caller's transaction. The face files are the caller's to delete after commit.
 */
export async function removeErasedUser(trx: Transaction<Database>, entry: { orgId: string; appId: string; userId: string; actor: AuditActor; details: Record<string, unknown> }): Promise<RemovedUser> {
  const user = await trx.selectFrom('users').select(['didit_internal_id', 'vendor_data']).where('app_id', '=', entry.appId).where('didit_internal_id', '=', entry.userId).forUpdate().executeTakeFirst();
  if (!user) return { found: false, faceKeys: [], sessions: 0 };
  const faces = await trx.selectFrom('faces').select('storage_key').where('app_id', '=', entry.appId).where('user_id', '=', entry.userId).execute();
  const sessions = await trx.selectFrom('user_verification_sessions').select((eb) => eb.fn.countAll<string>().as('count')).where('app_id', '=', entry.appId).where('user_id', '=', entry.userId).executeTakeFirstOrThrow();
  await trx.deleteFrom('users').where('app_id', '=', entry.appId).where('didit_internal_id', '=', entry.userId).execute();
  const auditId = await recordAudit(trx, {
    orgId: entry.orgId,
    appId: entry.appId,
    actor: entry.actor,
    action: 'user.erased',
    target: { type: 'user', id: entry.userId },
    details: { vendor_data: user.vendor_data, faces: faces.length, sessions: Number(sessions.count), ...entry.details },
  });
  await publishLedgerEntries(trx, entry.appId, [auditId]);
  return { found: true, faceKeys: faces.map((face) => face.storage_key), sessions: Number(sessions.count) };
}

/**
 * One batch of the feed's changes about the user, after `afterSeq`: personal values read "[erased]" in
 * `changes` and `user`, and a reason naming the person is cleared of it. Answers the last seq handled.
 */
export async function eraseUserChangesBatch(trx: Db, appId: string, userId: string, needles: Needles, afterSeq: number, limit: number): Promise<{ last: number | null; rewritten: number }> {
  const { rows } = await sql<{ seq: string; changes: unknown; user_json: unknown; reason: string | null }>`
    SELECT seq, changes, user_json, reason FROM user_changes
     WHERE app_id = ${appId}::uuid AND didit_internal_id = ${userId}::uuid AND seq > ${afterSeq}::bigint ORDER BY seq LIMIT ${limit}::int`.execute(trx);
  for (const row of rows) {
    const changes = eraseInJson(eraseChanges(row.changes, personalDataFields), needles);
    const user = row.user_json === null ? null : eraseInJson(eraseUserObject(row.user_json, personalDataFields), needles);
    await sql`UPDATE user_changes SET changes = ${JSON.stringify(changes)}::jsonb, user_json = ${user === null ? null : JSON.stringify(user)}::json, reason = ${row.reason === null ? null : eraseInText(row.reason, needles)}
               WHERE app_id = ${appId}::uuid AND seq = ${row.seq}`.execute(trx);
  }
  return { last: rows.length === 0 ? null : Number(rows[rows.length - 1]!.seq), rewritten: rows.length };
}

/** The users feature's free-text columns that may name a person: a bulk action's filters and reason. */
export const usersErasableText: ErasableText[] = [{ table: 'user_bulk_actions', key: ['id'], columns: ['params', 'selection', 'error'], appScope: { column: 'app_id' } }];
