import { z } from 'zod';
import type { Role } from '../../db/schema.ts';
import { can } from '../../shared/roles.ts';
import { personalDataFields } from '../../shared/user-catalogue.ts';
import { type FaceResponse } from './faces.service.ts';
import { faceSchema, type UserResponse, userSchema } from './users.schemas.ts';
import type { UserFilters } from './users.filters.ts';

/**
 * docs/roles.md#personal-data-by-role, in the console API: DEVELOPER and READER read users without personal data. Each personal
 * field is null and named in `redacted`; faces keep their id and date but lose their image link. The
 * rule is the export rule (exports.personal_data); the fields are the catalogue's personal ones (the same
 * that restricted exports leave out). Search reads vendor_data alone for them (scopeFiltersToRole), so no
 * search can tell them whether a hidden value exists (docs/roles.md).
 */

/** The catalogue's personal-data fields (its `personal` flag), by their names in the user object. */
export const personalUserFields = personalDataFields;

export function seesPersonalData(role: Role): boolean {
  return can(role, 'exports.personal_data');
}

export const consoleUserSchema = userSchema.extend({
  display_name: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable().describe('null when your role may not read personal data'),
  redacted: z.array(z.string()).describe('Fields withheld from your role (docs/roles.md#personal-data-by-role): null here; empty for roles that see everything'),
});

export const consoleFaceSchema = faceSchema.extend({ image_url: z.string().optional().describe('Left out when your role may not read personal data') });

export const consoleUserWithFacesSchema = consoleUserSchema.extend({ faces: z.array(consoleFaceSchema) });

export type ConsoleUser = z.infer<typeof consoleUserSchema>;

/**
 * The filters as the operator's role may apply them: a role that may not read personal data searches
 * vendor_data alone, else `search=someone@mail` would say whether that person is a customer.
 */
export function scopeFiltersToRole<F extends UserFilters>(role: Role, filters: F): F {
  if (seesPersonalData(role)) return filters.search_scope === 'vendor_data' ? filters : { ...filters, search_scope: undefined };
  return { ...filters, search_scope: 'vendor_data' };
}

/**
 * A stored filter snapshot (an export's, an export schedule's) as the viewer's role may read it. A search
 * that read personal fields is itself a personal value (`alice@example.com`), so DEVELOPER and READER get
 * it as null, named in `redacted` (issue #19, finding 7). A search scoped to vendor_data (what their own
 * exports run) and every other filter (status, country, tags, dates, ids) they may read.
 */
export function redactFilters(role: Role, filters: Record<string, unknown>): { filters: Record<string, unknown>; redacted: string[] } {
  if (seesPersonalData(role) || filters.search === undefined || filters.search === null || filters.search_scope === 'vendor_data') return { filters, redacted: [] };
  return { filters: { ...filters, search: null }, redacted: ['filters.search'] };
}

/** The user as the operator's role may see it. */
export function redactUser(role: Role, user: UserResponse): ConsoleUser {
  if (seesPersonalData(role)) return { ...user, redacted: [] };
  const redacted: ConsoleUser = { ...user, redacted: [...personalUserFields] };
  for (const field of personalUserFields) (redacted as Record<string, unknown>)[field] = null;
  return redacted;
}

export function redactFaces(role: Role, faces: FaceResponse[]): (Omit<FaceResponse, 'image_url'> & { image_url?: string })[] {
  if (seesPersonalData(role)) return faces;
  return faces.map(({ image_url: _withheld, ...face }) => face);
}
