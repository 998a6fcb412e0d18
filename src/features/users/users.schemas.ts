import type { Selectable } from 'kysely';
import { z } from 'zod';
import { metadataModes, tagsModes } from './write-modes.ts';
import type { UsersTable } from '../../db/schema.ts';
import { userFilterFields } from './users.filters.ts';
import { userStatuses } from './user-fields.ts';
import { effectiveName, userCatalogue } from '../../shared/user-catalogue.ts';

/**
 * HTTP shapes of the users API and the console's users pages.
 *
 * Request bodies are declared field by field for the OpenAPI document, but each field is checked by
 * user-fields.ts in the service (not by Zod here), so the API and CSV import answer with the same
 * stable error codes (`invalid_email`, `invalid_country`, …).
 */

/** A body field documented with a JSON type but validated by the service. */
const documented = (type: string | string[], description: string, extra: Record<string, unknown> = {}) => z.unknown().optional().meta({ type, description, ...extra });

const timestamp = z.string().nullable();

export const userSchema = z
  .object({
    didit_internal_id: z.string().describe('Roster id of the user (UUID); never changes'),
    vendor_data: z.string().describe('Your id for the user; unique within the application'),
    display_name: z.string().nullable(),
    effective_name: z.string().nullable().describe('display_name, else full_name'),
    full_name: z.string().nullable().describe('Verified (read-only) once an approved session set it'),
    date_of_birth: z.string().nullable().describe('YYYY-MM-DD; verified (read-only) once an approved session set it'),
    email: z.string().nullable(),
    phone: z.string().nullable().describe('E.164'),
    country: z.string().nullable().describe('ISO 3166-1 alpha-3'),
    status: z.enum(userStatuses),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    verified_at: timestamp.describe('When an approved session last verified full_name and date_of_birth'),
    session_count: z.number(),
    approved_count: z.number(),
    declined_count: z.number(),
    in_review_count: z.number(),
    first_session_at: timestamp,
    last_session_at: timestamp,
    last_activity_at: timestamp,
    created_at: z.string(),
    updated_at: z.string(),
  });

export type UserResponse = z.infer<typeof userSchema>;

export type UserRow = Selectable<UsersTable>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The user object, field by field from the catalogue (the same keys and order as the SQL-built JSON in users.repository.ts). */
export function toUserResponse(row: UserRow): UserResponse {
  const record = row as unknown as Record<string, unknown>;
  const response: Record<string, unknown> = {};
  for (const spec of userCatalogue) {
    if (spec.kind === 'computed') response[spec.name] = effectiveName(row);
    else if (spec.kind === 'timestamp') response[spec.name] = iso(record[spec.column] as Date | null);
    else response[spec.name] = record[spec.column];
  }
  return response as UserResponse;
}

const profileBodyFields = {
  display_name: documented(['string', 'null'], 'At most 500 characters'),
  full_name: documented(['string', 'null'], 'At most 500 characters; cannot change once verified by an approved session'),
  date_of_birth: documented(['string', 'null'], 'YYYY-MM-DD; cannot change once verified by an approved session'),
  email: documented(['string', 'null'], 'An email address'),
  phone: documented(['string', 'null'], 'International form; stored as E.164'),
  country: documented(['string', 'null'], 'ISO 3166-1 alpha-3, e.g. FRA'),
  status: documented('string', 'ACTIVE (default), FLAGGED or BLOCKED', { enum: userStatuses }),
  tags: documented('array', 'Strings without commas, at most 50', { items: { type: 'string' } }),
  metadata: documented('object', 'Any JSON object up to 64 KB; replaced whole'),
};

// catchall keeps unknown keys so the service can name them in its error instead of dropping them.
export const createUserBody = z
  .object({ vendor_data: documented('string', 'Your id for the user: required, at most 2000 bytes, unique in the application'), ...profileBodyFields })
  .catchall(z.unknown());

export const patchUserBody = z
  .object({ vendor_data: documented('string', 'May be sent, but only with its current value'), ...profileBodyFields })
  .catchall(z.unknown());

export const updateStatusBody = z
  .object({
    status: documented('string', 'ACTIVE, FLAGGED or BLOCKED', { enum: userStatuses }),
    reason: documented('string', 'Why; required, at most 500 characters'),
  })
  .catchall(z.unknown());

export const deleteUsersBody = z
  .object({
    vendor_data_list: documented('array', 'Up to 1,000 vendor_data values', { items: { type: 'string' } }),
    didit_internal_id_list: documented('array', 'Up to 1,000 didit_internal_id values', { items: { type: 'string' } }),
  })
  .partial()
  .catchall(z.unknown());

export const recordSessionBody = z
  .object({
    session_id: documented('string', 'The verification session id; a session is recorded once'),
    status: documented('string', 'APPROVED, DECLINED or IN_REVIEW', { enum: ['APPROVED', 'DECLINED', 'IN_REVIEW'] }),
    full_name: documented(['string', 'null'], 'Verified name; an APPROVED session stores it'),
    date_of_birth: documented(['string', 'null'], 'Verified date of birth (YYYY-MM-DD); an APPROVED session stores it'),
    issuing_state: documented(['string', 'null'], 'ISO 3166-1 alpha-3 of the document issuer; kept in the audit trail'),
    completed_at: documented(['string', 'null'], 'ISO 8601 instant the session completed; default now'),
  })
  .catchall(z.unknown());

export const faceUploadBody = z
  .object({
    image: documented('string', 'Raw base64 of a JPEG or PNG (no data: prefix), at most 2 MB decoded'),
    comment: documented(['string', 'null'], 'At most 500 characters'),
  })
  .catchall(z.unknown());

export const vendorDataParams = z.object({ vendor_data: z.string() });

export const listUsersQuery = z.object({
  ...userFilterFields,
  page_size: z.coerce.number({ message: 'must be a whole number from 1 to 200' }).int('must be a whole number from 1 to 200').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  cursor: z.string().optional().describe('The `next` value of the previous page'),
});

export const userListResponse = z.object({ results: z.array(userSchema), next: z.string().nullable().describe('Cursor of the next page; null on the last') });

export const deletedResponse = z.object({ deleted: z.number() });

export const faceSchema = z.object({
  uuid: z.string(),
  image_url: z.string().describe('Signed link; works for one hour'),
  comment: z.string().nullable(),
  uploaded_by: z.string().describe('"api key <prefix>" or the operator\'s email'),
  created_at: z.string(),
});

export const userWithFacesSchema = userSchema.extend({ faces: z.array(faceSchema) });

/** PATCH's query: how the body's tags and metadata apply (write-modes.ts; docs/api.md). */
export const patchUserQuery = z
  .object({
    tags_mode: z.enum(tagsModes).optional().describe('replace (default): the body\'s tags are the whole list · merge: they are added · remove: they are taken away'),
    metadata_mode: z.enum(metadataModes).optional().describe('replace (default): the body\'s metadata is the whole object · merge: its keys overwrite those keys only'),
  })
  .strict();
