import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Database, UserStatus } from '../../db/schema.ts';
import { type ErrorDetail, invalid } from '../../http/errors.ts';
import { instantMessage, instantString, parseInstant } from '../../platform/validation/instants.ts';
import { safeString } from '../../platform/validation/safe-text.ts';
import { userStatuses } from './user-fields.ts';

/**
 * The user filters shared by the users API, the console's users page and exports,
 * so "the same filters" means the same SQL everywhere.
 */

const isoInstant = instantString;

const statusValue = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .refine((value) => (userStatuses as readonly string[]).includes(value), { message: `must be one of ${userStatuses.join(', ')}` });

const countryValue = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .refine((value) => /^[A-Z]{3}$/.test(value), { message: 'must be an ISO 3166-1 alpha-3 code' });

// What PostgreSQL cannot store as text is bad input, not a failed query (the shared safe-string rule).
const tagValue = safeString({ trim: true, min: 1, max: 100 });
const searchValue = safeString({ trim: true, max: 200 });

/** A query-string value may come once (string) or repeated (array). */
const repeated = <T extends z.ZodTypeAny>(item: T) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform((value) => (value === undefined ? undefined : ((Array.isArray(value) ? value : [value]) as z.output<T>[])));

export const userFilterFields = {
  status: repeated(statusValue),
  country: repeated(countryValue),
  tags: repeated(tagValue),
  search: searchValue.optional(),
  created_after: isoInstant.optional(),
  created_before: isoInstant.optional(),
};

/**
 * A list's query parameters must all be known: `?updated_after=…` (no such filter) answers 422
 * `unknown_filter` naming it, as exports do, rather than listing everyone (docs/api.md).
 */
export function rejectUnknownParameters(url: string, known: readonly string[]): void {
  const query = url.indexOf('?');
  if (query < 0) return;
  const unknown = [...new Set(new URLSearchParams(url.slice(query + 1)).keys())].filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw invalid(
    'unknown_filter',
    `Unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: ${known.join(', ')})`,
    unknown.map((name): ErrorDetail => ({ field: name, code: 'unknown_filter', message: `"${name}" is not a filter or parameter of this list` })),
  );
}

/** Filters as query-string parameters (users list, console users page). */
export const userFilterQuerySchema = z.object(userFilterFields);

/** Filters as a JSON object (export requests): unknown filters are an error, not silently ignored. */
export const userFilterBodySchema = z
  .object({
    status: z.array(statusValue).optional(),
    country: z.array(countryValue).optional(),
    tags: z.array(tagValue).optional(),
    search: searchValue.optional(),
    created_after: isoInstant.optional(),
    created_before: isoInstant.optional(),
    // Which fields `search` reads: `vendor_data` alone for roles that may not read personal data (set by
    // scopeFiltersToRole in user-redaction.ts, whatever the request says; docs/roles.md).
    search_scope: z.enum(['all', 'vendor_data']).optional(),
    // Checked rows of the console's users list ("export the selection"); not a query-string filter.
    didit_internal_id: z.array(z.string().uuid('must be a didit_internal_id (UUID)')).max(10_000, 'at most 10,000 ids').optional(),
  })
  .strict();

export interface UserFilters {
  status?: string[];
  country?: string[];
  tags?: string[];
  search?: string;
  /** `vendor_data`: search reads vendor_data alone (roles that may not read personal data). Default `all`. */
  search_scope?: 'all' | 'vendor_data';
  created_after?: string;
  created_before?: string;
  didit_internal_id?: string[];
}

/** Filters reach here validated; a stored one that no longer is (an old export) is bad input, not a failed query. */
function instantOf(name: string, text: string): Date {
  const instant = parseInstant(text);
  if (!instant) throw invalid('invalid_filter', `${name}: ${instantMessage}`);
  return instant;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * A search that reads as a phone number ("+44 7700 900123", "06 12 34 56 78": digits with spaces,
 * dots, dashes, brackets, a leading +) also matches `phone` (E.164) by its digits; national leading
 * zeros are dropped so a national number finds its international form. Only in the `all` scope:
 * roles that may not read personal data search vendor_data alone (docs/roles.md).
 */
function phoneSearch(eb: ExpressionBuilder<Database, 'users'>, search: string): Expression<SqlBool>[] {
  if (!/^\+?[\d\s().-]+$/.test(search)) return [];
  const digits = search.replace(/\D/g, '').replace(/^0+/, '');
  return digits.length >= 4 ? [eb('users.phone', 'like', `%${digits}%`)] : [];
}

/** The WHERE clause for an application's users matching `filters` (tenant-scoped by appId). */
export function userFilterWhere(appId: string, filters: UserFilters) {
  return (eb: ExpressionBuilder<Database, 'users'>): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [eb('users.app_id', '=', appId)];
    if (filters.status?.length) conditions.push(eb('users.status', 'in', filters.status as UserStatus[]));
    if (filters.country?.length) conditions.push(eb('users.country', 'in', filters.country));
    if (filters.tags?.length) conditions.push(sql<SqlBool>`users.tags && ${sql.val(filters.tags)}::text[]`);
    if (filters.created_after) conditions.push(eb('users.created_at', '>=', instantOf('created_after', filters.created_after)));
    if (filters.created_before) conditions.push(eb('users.created_at', '<', instantOf('created_before', filters.created_before)));
    if (filters.didit_internal_id?.length) conditions.push(sql<SqlBool>`users.didit_internal_id = ANY(${sql.val(filters.didit_internal_id)}::uuid[])`);
    if (filters.search) {
      const pattern = `%${escapeLike(filters.search)}%`;
      conditions.push(
        filters.search_scope === 'vendor_data' ? eb('users.vendor_data', 'ilike', pattern) : eb.or([
          eb('users.vendor_data', 'ilike', pattern),
          eb('users.display_name', 'ilike', pattern),
          eb('users.full_name', 'ilike', pattern),
          eb('users.email', 'ilike', pattern),
          ...phoneSearch(eb, filters.search),
        ]),
      );
    }
    return eb.and(conditions);
  };
}
