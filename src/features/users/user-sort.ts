import { type Kysely, type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { badRequest } from '../../http/errors.ts';
import { isUuid } from '../auth/auth.hooks.ts';
import { type UserFilters, userFilterWhere } from './users.filters.ts';
import type { UserRow } from './users.schemas.ts';

/**
 * Server-side sorting of the console's users list, with a keyset cursor that follows the sort.
 *
 * Each sort key orders by (value IS NULL, value, didit_internal_id): users without a last activity or a
 * name come last in both directions, and the id breaks ties so no row repeats or goes missing between
 * pages. The cursor carries the last row's key as PostgreSQL text (microseconds for timestamps).
 */

export const userSortKeys = ['created_at', 'last_activity_at', 'vendor_data', 'name'] as const;
export type UserSortKey = (typeof userSortKeys)[number];
export interface UserSort {
  key: UserSortKey;
  descending: boolean;
}

export const defaultUserSort: UserSort = { key: 'created_at', descending: true };

const sortValues = userSortKeys.flatMap((key) => [key, `-${key}`]);

export const userSortQuery = z
  .enum(sortValues as [string, ...string[]])
  .optional()
  .describe('created_at, last_activity_at, vendor_data or name (display_name, else full_name); a leading "-" sorts descending. Default -created_at')
  .transform((value): UserSort => (value ? { key: value.replace(/^-/, '') as UserSortKey, descending: value.startsWith('-') } : defaultUserSort));

/** `nullable: false` keys order and page by (value, id) alone, so their indexes serve the list. */
const expressions: Record<UserSortKey, { value: RawBuilder<unknown>; text: RawBuilder<string>; type: string; nullable: boolean }> = {
  created_at: {
    value: sql`users.created_at`,
    text: sql<string>`to_char(users.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    type: 'timestamptz',
    nullable: false,
  },
  last_activity_at: {
    value: sql`users.last_activity_at`,
    text: sql<string>`to_char(users.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    type: 'timestamptz',
    nullable: true,
  },
  vendor_data: { value: sql`users.vendor_data`, text: sql<string>`users.vendor_data`, type: 'text', nullable: false },
  name: { value: sql`COALESCE(users.display_name, users.full_name)`, text: sql<string>`COALESCE(users.display_name, users.full_name)`, type: 'text', nullable: true },
};

interface SortCursor {
  sort: string;
  /** null: the last row had no value for the key. */
  value: string | null;
  id: string;
}

const sortName = (sort: UserSort) => `${sort.descending ? '-' : ''}${sort.key}`;

export function encodeSortCursor(cursor: SortCursor): string {
  return Buffer.from(JSON.stringify(['s', cursor.sort, cursor.value, cursor.id]), 'utf8').toString('base64url');
}

export function decodeSortCursor(text: string, sort: UserSort): SortCursor {
  const invalidCursor = () => badRequest('invalid_cursor', 'cursor is not a value this list returned as `next` for this sort; start again without it');
  if (text.length > 12_000 || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== 's' || parsed[1] !== sortName(sort)) throw invalidCursor();
  const [, , value, id] = parsed as unknown[];
  if ((value !== null && typeof value !== 'string') || typeof id !== 'string' || !isUuid(id)) throw invalidCursor();
  if (typeof value === 'string' && (value.includes('\u0000') || (expressions[sort.key].type === 'timestamptz' && Number.isNaN(Date.parse(value))))) throw invalidCursor();
  return { sort: sortName(sort), value, id };
}

/** Rows strictly after the cursor in (value IS NULL, value ±, id ±) order. */
function afterCursor(sort: UserSort, cursor: SortCursor): RawBuilder<boolean> {
  const { value, type, nullable } = expressions[sort.key];
  const idOp = sql.raw(sort.descending ? '<' : '>');
  // A row comparison the (app_id, key, id) index can start from.
  if (!nullable && cursor.value !== null) return sql<boolean>`(${value}, users.didit_internal_id) ${idOp} (CAST(${cursor.value} AS ${sql.raw(type)}), ${cursor.id}::uuid)`;
  if (cursor.value === null) return sql<boolean>`(${value} IS NULL AND users.didit_internal_id ${idOp} ${cursor.id}::uuid)`;
  const typed = sql`CAST(${cursor.value} AS ${sql.raw(type)})`;
  return sql<boolean>`(${value} IS NULL OR ${value} ${idOp} ${typed} OR (${value} = ${typed} AND users.didit_internal_id ${idOp} ${cursor.id}::uuid))`;
}

export interface SortedUserPage {
  rows: UserRow[];
  next: string | null;
}

/** One page of an application's users in the chosen order. */
export async function listUsersSorted(db: Kysely<Database>, appId: string, filters: UserFilters, sort: UserSort, pageSize: number, cursorText?: string): Promise<SortedUserPage> {
  const cursor = cursorText ? decodeSortCursor(cursorText, sort) : undefined;
  const { value, text, nullable } = expressions[sort.key];
  const direction = sql.raw(sort.descending ? 'DESC' : 'ASC');
  let query = db
    .selectFrom('users')
    .selectAll()
    .select(text.as('sort_value'))
    .where(userFilterWhere(appId, filters));
  if (cursor) query = query.where(afterCursor(sort, cursor));
  // Text compares in the database's collation; "C" would put "Zoe" before "adam".
  if (nullable) query = query.orderBy(sql`(${value} IS NULL)`);
  const rows = await query
    .orderBy(sql`${value} ${direction}`)
    .orderBy(sql`users.didit_internal_id ${direction}`)
    .limit(pageSize + 1)
    .execute();
  if (rows.length <= pageSize) return { rows, next: null };
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return { rows: page, next: encodeSortCursor({ sort: sortName(sort), value: last.sort_value, id: last.didit_internal_id }) };
}
