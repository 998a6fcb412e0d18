import { type Kysely, type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { cursorCodec, cursorParts } from '../../http/cursor.ts';
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

const sortName = (sort: UserSort) => `${sort.descending ? '-' : ''}${sort.key}`;

/** The last row's key as PostgreSQL text (null: it had none) and its id; a cursor of one sort never passes for another's. */
const sortCursors = new Map(
  userSortKeys.flatMap((key) =>
    [false, true].map((descending) => {
      const name = sortName({ key, descending });
      const value = z
        .string()
        .refine((text) => !text.includes('\u0000') && (expressions[key].type !== 'timestamptz' || !Number.isNaN(Date.parse(text))))
        .nullable();
      return [name, cursorCodec(`users sorted by ${name}`, z.object({ value, id: cursorParts.id }))] as const;
    }),
  ),
);

const sortCursor = (sort: UserSort) => sortCursors.get(sortName(sort))!;

/** Rows strictly after the cursor in (value IS NULL, value ±, id ±) order. */
function afterCursor(sort: UserSort, cursor: { value: string | null; id: string }): RawBuilder<boolean> {
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
  const cursor = cursorText ? sortCursor(sort).decode(cursorText) : undefined;
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
  return { rows: page, next: sortCursor(sort).encode({ value: last.sort_value, id: last.didit_internal_id }) };
}
