import { sql } from 'kysely';
import type { OperationsDb } from '../operations/index.ts';

/**
 * Finding one person in free text and replacing what identifies them (docs/privacy.md#erasure). No
 * business rules: the erasure feature says who the person is and which fields are personal; each
 * feature says which of its columns may hold free text (ErasableText).
 */

/** What an erased value reads everywhere history keeps its shape (ledger, change feed, payloads). */
export const ERASED = '[erased]';

/** The person's identifying strings (email, phone, names), lower-cased; too short ones would match anyone. */
export interface Needles {
  readonly texts: readonly string[];
}

const MIN_NEEDLE_CHARS = 3;

export function needlesOf(values: readonly (string | null | undefined)[]): Needles {
  const texts = [...new Set(values.filter((value): value is string => typeof value === 'string').map((value) => value.trim().toLowerCase()).filter((value) => value.length >= MIN_NEEDLE_CHARS))];
  // Longest first, so a full name is replaced before a part of it.
  return { texts: texts.sort((a, b) => b.length - a.length) };
}

export const hasNeedles = (needles: Needles) => needles.texts.length > 0;

export function containsNeedle(text: string, needles: Needles): boolean {
  const lower = text.toLowerCase();
  return needles.texts.some((needle) => lower.includes(needle));
}

/** Replaces every occurrence of every needle (any case) by ERASED; the rest of the text stays. */
export function eraseInText(text: string, needles: Needles): string {
  let result = text;
  for (const needle of needles.texts) {
    let lower = result.toLowerCase();
    let at = lower.indexOf(needle);
    while (at >= 0) {
      result = result.slice(0, at) + ERASED + result.slice(at + needle.length);
      lower = result.toLowerCase();
      at = lower.indexOf(needle, at + ERASED.length);
    }
  }
  return result;
}

/** A JSON value with every string that holds a needle replaced by ERASED (keys and shape kept). */
export function eraseInJson<T>(value: T, needles: Needles): T {
  if (typeof value === 'string') return (containsNeedle(value, needles) ? ERASED : value) as T;
  if (Array.isArray(value)) return value.map((item) => eraseInJson(item, needles)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, eraseInJson(item, needles)])) as T;
  }
  return value;
}

/**
 * A `changes` object (`{"field": {"from", "to"}}`, docs/audit.md) with the from/to of personal fields
 * replaced by ERASED where they held a value (null stays null: it says nothing about the person).
 * `metadata.key` changes count as the metadata field's.
 */
export function eraseChanges(changes: unknown, personalFields: readonly string[]): unknown {
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) return changes;
  const personal = (field: string) => personalFields.includes(field) || personalFields.includes(field.split('.')[0]!);
  return Object.fromEntries(
    Object.entries(changes as Record<string, unknown>).map(([field, change]) => {
      if (!personal(field) || !change || typeof change !== 'object') return [field, change];
      return [field, Object.fromEntries(Object.entries(change as Record<string, unknown>).map(([side, value]) => [side, value === null || value === undefined ? value : ERASED]))];
    }),
  );
}

/** A user object (the API's names) with each personal field that held a value replaced by ERASED. */
export function eraseUserObject(user: unknown, personalFields: readonly string[]): unknown {
  if (!user || typeof user !== 'object' || Array.isArray(user)) return user;
  return Object.fromEntries(Object.entries(user as Record<string, unknown>).map(([field, value]) => [field, personalFields.includes(field) && value !== null && value !== undefined ? ERASED : value]));
}

/** ILIKE patterns matching text that holds a needle. */
export function likePatterns(needles: Needles): string[] {
  return needles.texts.map((needle) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

/**
 * Columns of a feature's table that may hold free text typed about a person (a search filter, a file
 * name, a reason). Declared by the feature that owns the table, applied by the erasure.
 */
export interface ErasableText {
  table: string;
  /** The primary key's columns. */
  key: readonly string[];
  /** text or json/jsonb columns. */
  columns: readonly string[];
  /** How a row names its application: a column of the table, or a subquery on `t` (the row). */
  appScope: { column: string } | { sql: string };
}

/** Rewrites the rows of `spec` in application `appId` whose columns hold a needle; answers how many. */
export async function eraseTextIn(db: OperationsDb, spec: ErasableText, appId: string, needles: Needles): Promise<number> {
  if (!hasNeedles(needles)) return 0;
  const patterns = likePatterns(needles);
  const scope = 'column' in spec.appScope ? sql`t.${sql.ref(spec.appScope.column)} = ${appId}::uuid` : sql`${sql.raw(spec.appScope.sql)} = ${appId}::uuid`;
  const matches = sql.join(spec.columns.map((column) => sql`t.${sql.ref(column)}::text ILIKE ANY(${patterns}::text[])`), sql` OR `);
  const { rows } = await sql<Record<string, unknown>>`SELECT ${sql.join([...spec.key, ...spec.columns].map((column) => sql`t.${sql.ref(column)}`))} FROM ${sql.table(spec.table)} t WHERE ${scope} AND (${matches})`.execute(db);
  for (const row of rows) {
    const sets = spec.columns.map((column) => {
      const value = row[column];
      if (value === null || value === undefined) return sql`${sql.ref(column)} = ${sql.ref(column)}`;
      if (typeof value === 'string') return sql`${sql.ref(column)} = ${eraseInText(value, needles)}`;
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return sql`${sql.ref(column)} = ${value.map((item) => eraseInText(item, needles))}`;
      return sql`${sql.ref(column)} = ${JSON.stringify(eraseInJson(value, needles))}`;
    });
    const keyMatch = sql.join(spec.key.map((column) => sql`${sql.ref(column)} = ${row[column]}`), sql` AND `);
    await sql`UPDATE ${sql.table(spec.table)} SET ${sql.join(sets)} WHERE ${keyMatch}`.execute(db);
  }
  return rows.length;
}
