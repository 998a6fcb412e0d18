import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { userJsonSql } from '../../shared/user-catalogue.ts';
import { listFaces } from './faces.repository.ts';
import { readChangeCounter } from './user-changes.repository.ts';
import { type UserFilters, userFilterWhere } from './users.filters.ts';

/**
 * What the users feature holds about one person, for a subject-access package (docs/privacy.md#subject-access):
 * the user object, its verification sessions, its faces (storage keys, read by the caller) and its changes in the
 * feed. Also answers whether the person, as they were at a feed seq, matched an export's filters.
 */

export interface SubjectFace {
  id: string;
  storage_key: string;
  content_type: string;
  comment: string | null;
  uploaded_by: string;
  created_at: Date;
}

export interface SubjectSession {
  session_id: string;
  status: string;
  completed_at: string | null;
  created_at: string;
}

export interface SubjectFeedChange {
  seq: number;
  type: string;
  occurred_at: string;
  changes: Record<string, { from: unknown; to: unknown }>;
  /** The user object after the change (null once deleted). */
  user: Record<string, unknown> | null;
}

/** The user object as the API shows it (every field), or undefined when there is no such user in the application. */
export async function readSubjectUser(db: Kysely<Database>, appId: string, userId: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await db.executeQuery<{ user: Record<string, unknown> }>(
    CompiledQuery.raw(`SELECT ${userJsonSql('u')} AS user FROM users u WHERE u.app_id = $1::uuid AND u.didit_internal_id = $2::uuid`, [appId, userId]),
  );
  return rows[0]?.user;
}

export async function readSubjectSessions(db: Kysely<Database>, appId: string, userId: string): Promise<SubjectSession[]> {
  const rows = await db
    .selectFrom('user_verification_sessions')
    .select(['session_id', 'status', 'completed_at', 'created_at'])
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({ session_id: row.session_id, status: row.status, completed_at: row.completed_at?.toISOString() ?? null, created_at: row.created_at.toISOString() }));
}

export function readSubjectFaces(db: Kysely<Database>, appId: string, userId: string): Promise<SubjectFace[]> {
  return listFaces(db, appId, userId);
}

/** The person's changes still in the feed (docs/change-feed.md), oldest first, and how far the feed was pruned. */
export async function readSubjectFeed(db: Kysely<Database>, appId: string, userId: string): Promise<{ changes: SubjectFeedChange[]; prunedThrough: number; lastSeq: number }> {
  const { rows } = await sql<{ seq: string; type: string; occurred_at: Date; changes: Record<string, { from: unknown; to: unknown }>; user_json: Record<string, unknown> | null }>`
    SELECT seq, type, occurred_at, changes, user_json FROM user_changes WHERE app_id = ${appId}::uuid AND didit_internal_id = ${userId}::uuid ORDER BY seq`.execute(db);
  const counter = await readChangeCounter(db, appId);
  return {
    changes: rows.map((row) => ({ seq: Number(row.seq), type: row.type, occurred_at: row.occurred_at.toISOString(), changes: row.changes ?? {}, user: row.user_json })),
    prunedThrough: counter.prunedThrough,
    lastSeq: counter.lastSeq,
  };
}

/**
 * Whether a user object (as the feed or the API shows it) matches filters, by the very WHERE clause the
 * users list and exports run (users.filters.ts), applied to that object instead of the table.
 */
export async function userObjectMatchesFilters(db: Kysely<Database>, appId: string, user: Record<string, unknown>, filters: UserFilters): Promise<boolean> {
  const query = db.selectFrom('users').select(sql<number>`1`.as('one')).where(userFilterWhere(appId, filters)).compile();
  const position = query.parameters.length + 1;
  // The CTE takes the table's name, so the same clause reads the object; NULL::users is the table's row type.
  const text = `WITH users AS (SELECT * FROM jsonb_populate_record(NULL::users, $${position}::jsonb)) ${query.sql}`;
  const { rows } = await db.executeQuery(CompiledQuery.raw(text, [...query.parameters, JSON.stringify({ ...user, app_id: appId })]));
  return rows.length > 0;
}
