import { type Kysely, sql, type Updateable, type UpdateObject } from 'kysely';
import type pg from 'pg';
import type { Database, UsersTable } from '../../db/schema.ts';
import { defaultUserStatus, storedUserColumns, userJsonSql } from '../../shared/user-catalogue.ts';
import { type AuditActor, auditActionSql, auditInsertSql } from '../audit/audit-writer.public.ts';
import { feedCtes, ledgerPendingSql } from './user-changes.repository.ts';
import type { UserCursor } from './user-cursor.ts';
import type { UserWrite } from './user-input.ts';
import { type UserFilters, userFilterWhere } from './users.filters.ts';
import type { UserRow } from './users.schemas.ts';

/** SQL for users. Every function takes the application id and puts it in the WHERE clause. */

type Db = Kysely<Database>;

// Named columns, not *: a prepared statement's result type must not change if a later migration adds one.
const userColumns = ['app_id', ...storedUserColumns];
const userColumnsSql = userColumns.join(', ');

/*
 * The two hot paths (get by vendor_data, create) run as named prepared statements straight on the pool:
 * PostgreSQL parses and plans them once per connection, and no per-query builder work runs in Node.
 */
const findByVendorDataStatement = `SELECT ${userColumnsSql} FROM users WHERE app_id = $1 AND vendor_data = $2`;

export async function findUserByVendorData(pool: pg.Pool, appId: string, vendorData: string): Promise<UserRow | undefined> {
  const result = await pool.query<UserRow>({ name: 'users.find_by_vendor_data', text: findByVendorDataStatement, values: [appId, vendorData] });
  return result.rows[0];
}

/**
 * The API's user object built by PostgreSQL as JSON text (userJsonSql): reading 22 typed columns and
 * serialising them costs Node about twice the CPU of one text column; on the hottest read that is most of the work.
 */
const userJsonTextSql = `${userJsonSql('users')}::text`;

const findJsonByVendorDataStatement = `SELECT ${userJsonTextSql} AS user_json FROM users WHERE app_id = $1 AND vendor_data = $2`;

/** The user as the API's JSON text, ready to send. */
export async function findUserJsonByVendorData(pool: pg.Pool, appId: string, vendorData: string): Promise<string | undefined> {
  const result = await pool.query<{ user_json: string }>({ name: 'users.find_json_by_vendor_data', text: findJsonByVendorDataStatement, values: [appId, vendorData] });
  return result.rows[0]?.user_json;
}

/** The audit columns of an entry, as recordAudit (audit.service.ts) writes them. */
export interface AuditColumns {
  orgId: string;
  actor: AuditActor;
  details: Record<string, unknown>;
  ip: string | null;
}

// One statement, so one round trip and an implicit transaction: the user, its user.created entry and its
// change (user-changes.repository.ts) commit together.
const createStatement = `
  WITH inserted AS (
    INSERT INTO users (app_id, vendor_data, display_name, full_name, date_of_birth, email, phone, country, status, tags, metadata)
    VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::date, $6::text, $7::text, $8::text, $9::text, $10::text[], $11::jsonb)
    ON CONFLICT (app_id, vendor_data) DO NOTHING
    RETURNING ${userColumnsSql}
  ), audited AS (
    ${auditInsertSql(
      [
        {
          org_id: '$12::uuid', app_id: 'app_id', actor_type: '$13::text', actor_id: '$14::text', actor_label: '$15::text', action: auditActionSql('user.created'),
          target_type: `'user'`, target_id: 'didit_internal_id::text', details: '$16::jsonb', ip: '$17::text', from: 'FROM inserted',
        },
      ],
      '*',
    )}
  ), ${feedCtes('$1::uuid', ledgerPendingSql('audited', 'inserted'))}
  SELECT ${userColumnsSql} FROM inserted`;

/** Inserts the user with its audit entry, or returns undefined (writing nothing) when the vendor_data exists. */
export async function insertUserAudited(pool: pg.Pool, appId: string, vendorData: string, write: UserWrite, audit: AuditColumns): Promise<UserRow | undefined> {
  const values = [
    appId,
    vendorData,
    write.display_name ?? null,
    write.full_name ?? null,
    write.date_of_birth ?? null,
    write.email ?? null,
    write.phone ?? null,
    write.country ?? null,
    write.status ?? defaultUserStatus,
    write.tags ?? [],
    JSON.stringify(write.metadata ?? {}),
    audit.orgId,
    audit.actor.type,
    audit.actor.id,
    audit.actor.label,
    JSON.stringify(audit.details),
    audit.ip,
  ];
  const result = await pool.query<UserRow>({ name: 'users.create_audited', text: createStatement, values });
  return result.rows[0];
}

export async function findUserById(db: Db, appId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('app_id', '=', appId).where('didit_internal_id', '=', id).executeTakeFirst();
}

/** The row, locked until the transaction ends, so concurrent writes to one user apply one after another. */
export async function lockUserByVendorData(trx: Db, appId: string, vendorData: string): Promise<UserRow | undefined> {
  return trx.selectFrom('users').selectAll().where('app_id', '=', appId).where('vendor_data', '=', vendorData).forUpdate().executeTakeFirst();
}

export async function lockUserById(trx: Db, appId: string, id: string): Promise<UserRow | undefined> {
  return trx.selectFrom('users').selectAll().where('app_id', '=', appId).where('didit_internal_id', '=', id).forUpdate().executeTakeFirst();
}

function columnsOf(write: UserWrite): Updateable<UsersTable> {
  const columns: Updateable<UsersTable> = {};
  if (write.display_name !== undefined) columns.display_name = write.display_name;
  if (write.full_name !== undefined) columns.full_name = write.full_name;
  if (write.date_of_birth !== undefined) columns.date_of_birth = write.date_of_birth;
  if (write.email !== undefined) columns.email = write.email;
  if (write.phone !== undefined) columns.phone = write.phone;
  if (write.country !== undefined) columns.country = write.country;
  if (write.status !== undefined) columns.status = write.status;
  if (write.tags !== undefined) columns.tags = write.tags;
  // As text: pg would turn a JS array into a PostgreSQL array literal, and jsonb wants JSON.
  if (write.metadata !== undefined) columns.metadata = JSON.stringify(write.metadata);
  return columns;
}

export async function updateUser(db: Db, appId: string, id: string, write: UserWrite): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ ...columnsOf(write), updated_at: sql`now()` })
    .where('app_id', '=', appId)
    .where('didit_internal_id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export type ListedUserRow = UserRow & { cursor_created_at: string };

/** One page newest first, strictly after `after`; asks for one row more than `limit` to know if a next page exists. */
export async function listUsers(db: Db, appId: string, filters: UserFilters, limit: number, after?: UserCursor): Promise<ListedUserRow[]> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .select(sql<string>`to_char(users.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_created_at'))
    .where(userFilterWhere(appId, filters));
  if (after) {
    query = query.where(sql<boolean>`(users.created_at, users.didit_internal_id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  }
  return query.orderBy('users.created_at', 'desc').orderBy('users.didit_internal_id', 'desc').limit(limit + 1).execute();
}

export type UserSelector = { by: 'vendor_data'; values: string[] } | { by: 'didit_internal_id'; values: string[] };

/** Locks the matching users (face uploads wait) and returns their ids. */
export async function lockUsersForDelete(trx: Db, appId: string, selector: UserSelector): Promise<{ didit_internal_id: string; vendor_data: string }[]> {
  if (selector.values.length === 0) return [];
  return trx
    .selectFrom('users')
    .select(['didit_internal_id', 'vendor_data'])
    .where('app_id', '=', appId)
    .where(selector.by, 'in', selector.values)
    .orderBy('didit_internal_id')
    .forUpdate()
    .execute();
}

/** Deletes users; their faces and verification sessions go with them (ON DELETE CASCADE). */
export async function deleteUsersByIds(trx: Db, appId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await trx.deleteFrom('users').where('app_id', '=', appId).where('didit_internal_id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type SessionStatus = 'APPROVED' | 'DECLINED' | 'IN_REVIEW';

/** Records a session once per (application, session_id); returns false when it was already recorded. */
export async function insertVerificationSession(
  trx: Db,
  appId: string,
  session: { sessionId: string; userId: string; status: SessionStatus; completedAt: Date | null },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('user_verification_sessions')
    .values({ app_id: appId, session_id: session.sessionId, user_id: session.userId, status: session.status, completed_at: session.completedAt })
    .onConflict((conflict) => conflict.columns(['app_id', 'session_id']).doNothing())
    .returning('session_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Records the final outcome of a session that was in review; false when it was not (any more) in review. */
export async function concludeReviewedSession(trx: Db, appId: string, sessionId: string, status: SessionStatus, completedAt: Date | null): Promise<boolean> {
  const updated = await trx
    .updateTable('user_verification_sessions')
    .set({ status, completed_at: completedAt })
    .where('app_id', '=', appId)
    .where('session_id', '=', sessionId)
    .where('status', '=', 'IN_REVIEW')
    .returning('session_id')
    .executeTakeFirst();
  return updated !== undefined;
}

export async function findVerificationSession(db: Db, appId: string, sessionId: string) {
  return db.selectFrom('user_verification_sessions').select(['user_id', 'status']).where('app_id', '=', appId).where('session_id', '=', sessionId).executeTakeFirst();
}

const counterOf: Record<SessionStatus, 'approved_count' | 'declined_count' | 'in_review_count'> = {
  APPROVED: 'approved_count',
  DECLINED: 'declined_count',
  IN_REVIEW: 'in_review_count',
};

/**
 * Moves the counters and session timestamps for one new session. `at` is when it completed (or now);
 * a late report of an older session never moves last_* backwards. An approved session stores the
 * verified name and date of birth it carries and marks the user verified.
 */
export async function applySessionOutcome(
  trx: Db,
  appId: string,
  userId: string,
  outcome: { status: SessionStatus; at: Date; fullName?: string | null; dateOfBirth?: string | null; reviewedFrom?: 'IN_REVIEW' },
): Promise<UserRow> {
  const counter = counterOf[outcome.status];
  const changes: UpdateObject<Database, 'users'> = {
    // A reviewed session is the same session with its final outcome: it moves between counters.
    ...(outcome.reviewedFrom
      ? { in_review_count: sql`GREATEST(in_review_count - 1, 0)` }
      : { session_count: sql`session_count + 1` }),
    [counter]: sql`${sql.ref(counter)} + 1`,
    first_session_at: sql`LEAST(first_session_at, ${outcome.at}::timestamptz)`,
    last_session_at: sql`GREATEST(last_session_at, ${outcome.at}::timestamptz)`,
    last_activity_at: sql`GREATEST(last_activity_at, ${outcome.at}::timestamptz)`,
    updated_at: sql`now()`,
  };
  if (outcome.status === 'APPROVED') {
    if (outcome.fullName) changes.full_name = outcome.fullName;
    if (outcome.dateOfBirth) changes.date_of_birth = outcome.dateOfBirth;
    changes.verified_at = sql`now()`;
  }
  return trx.updateTable('users').set(changes).where('app_id', '=', appId).where('didit_internal_id', '=', userId).returningAll().executeTakeFirstOrThrow();
}
