import { countries } from './countries.ts';
import type { ErrorCode } from '../../shared/error-codes.ts';
import type { UserStatus } from '../../db/schema.ts';
import { checkInternationalPhone } from './phone-validator.ts';
import { jsonValueProblem } from '../../platform/validation/json-values.ts';
import { hasControlCharacters, isStorableText } from '../../platform/validation/safe-text.ts';
import { apiWritableFields, type ApiWritableFieldName, type ImportFieldName } from '../../shared/user-catalogue.ts';

/**
 * The one validation module for a user's writable fields, shared by the users API and CSV import,
 * so a value accepted in one place is accepted in the other and normalised the same way.
 */

export interface FieldError {
  field: string;
  code: ErrorCode;
  message: string;
}

export type FieldResult<T> = { ok: true; value: T } | { ok: false; error: FieldError };

import { userStatuses } from '../../shared/user-catalogue.ts';

export { userStatuses };

export const limits = {
  vendorDataBytes: 2000,
  nameChars: 500,
  emailChars: 254,
  tagChars: 100,
  tagsPerUser: 50,
  metadataBytes: 64 * 1024,
  metadataDepth: 32,
} as const;

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = (field: string, code: ErrorCode, message: string): FieldResult<never> => ({ ok: false, error: { field, code, message } });

export function validateVendorData(value: unknown): FieldResult<string> {
  if (value === undefined || value === null || value === '') return fail('vendor_data', 'missing_vendor_data', 'vendor_data is required');
  if (typeof value !== 'string') return fail('vendor_data', 'invalid_vendor_data', 'vendor_data must be a string');
  if (value.trim() !== value) return fail('vendor_data', 'invalid_vendor_data', 'vendor_data must not start or end with spaces');
  if (hasControlCharacters(value, 'none')) return fail('vendor_data', 'invalid_vendor_data', 'vendor_data must not contain control characters, tabs or line breaks');
  if (!isStorableText(value)) return fail('vendor_data', 'invalid_vendor_data', 'vendor_data must be valid Unicode text');
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > limits.vendorDataBytes) return fail('vendor_data', 'vendor_data_too_long', `vendor_data is ${bytes} bytes; at most ${limits.vendorDataBytes} are allowed`);
  return ok(value);
}

function validateName(field: 'display_name' | 'full_name', value: unknown): FieldResult<string | null> {
  if (value === null || value === '') return ok(null);
  if (typeof value !== 'string') return fail(field, `invalid_${field}`, `${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') return ok(null);
  if (hasControlCharacters(trimmed, 'whitespace') || !isStorableText(trimmed)) return fail(field, `invalid_${field}`, `${field} must not contain control characters`);
  if (trimmed.length > limits.nameChars) return fail(field, `${field}_too_long`, `${field} is longer than ${limits.nameChars} characters`);
  return ok(trimmed);
}

export const validateDisplayName = (value: unknown) => validateName('display_name', value);
export const validateFullName = (value: unknown) => validateName('full_name', value);

// Pragmatic address check: one @, a dot in the domain, no spaces. Deliverability is not ours to judge.
const emailPattern = /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function validateEmail(value: unknown): FieldResult<string | null> {
  if (value === null || value === '') return ok(null);
  if (typeof value !== 'string') return fail('email', 'invalid_email', 'email must be a string');
  const trimmed = value.trim();
  if (trimmed === '') return ok(null);
  if (trimmed.length > limits.emailChars || !emailPattern.test(trimmed) || hasControlCharacters(trimmed, 'whitespace') || !isStorableText(trimmed)) return fail('email', 'invalid_email', `"${clip(trimmed)}" is not an email address`);
  return ok(trimmed);
}

/** Accepts any international form ("+44 20 7946 0958") and stores E.164 ("+442079460958"). */
export function validatePhone(value: unknown): FieldResult<string | null> {
  if (value === null || value === '') return ok(null);
  if (typeof value !== 'string') return fail('phone', 'invalid_phone', 'phone must be a string');
  const trimmed = value.trim();
  if (trimmed === '') return ok(null);
  if (!trimmed.startsWith('+')) return fail('phone', 'invalid_phone', `"${clip(trimmed)}" is not an E.164 phone number: it must start with + and the country code`);
  // libphonenumber-js's isValidPhoneNumber, compiled (phone-validator.ts).
  const checked = checkInternationalPhone(trimmed);
  if (!checked.valid) return fail('phone', 'invalid_phone', `"${clip(trimmed)}" is not a valid phone number`);
  return ok(checked.e164);
}

/** ISO 3166-1 alpha-3 only ("FRA"); lower case is accepted and upper-cased, alpha-2 and numeric are not. */
export function validateCountry(value: unknown): FieldResult<string | null> {
  if (value === null || value === '') return ok(null);
  if (typeof value !== 'string') return fail('country', 'invalid_country', 'country must be a string');
  const code = value.trim().toUpperCase();
  if (code === '') return ok(null);
  if (!/^[A-Z]{3}$/.test(code) || countries.alpha3ToAlpha2(code) === undefined) {
    return fail('country', 'invalid_country', `"${clip(value.trim())}" is not an ISO 3166-1 alpha-3 country code (for example FRA, USA, GBR)`);
  }
  return ok(code);
}

export function validateStatus(value: unknown): FieldResult<UserStatus> {
  if (typeof value !== 'string') return fail('status', 'invalid_status', `status must be one of ${userStatuses.join(', ')}`);
  const status = value.trim().toUpperCase() as UserStatus;
  if (!userStatuses.includes(status)) return fail('status', 'invalid_status', `"${clip(value)}" is not a status; use ${userStatuses.join(', ')}`);
  return ok(status);
}

/** Tags are trimmed and de-duplicated in order; a comma inside a tag would not survive the CSV form. */
export function validateTags(value: unknown): FieldResult<string[]> {
  if (value === null) return ok([]);
  if (!Array.isArray(value)) return fail('tags', 'invalid_tags', 'tags must be an array of strings');
  const tags: string[] = [];
  for (const tag of value) {
    if (typeof tag !== 'string') return fail('tags', 'invalid_tags', 'every tag must be a string');
    const trimmed = tag.trim();
    if (trimmed === '') continue;
    if (trimmed.includes(',')) return fail('tags', 'invalid_tags', `tag "${clip(trimmed)}" contains a comma`);
    if (hasControlCharacters(trimmed, 'none') || !isStorableText(trimmed)) return fail('tags', 'invalid_tags', `tag "${clip(trimmed)}" contains control characters`);
    if (trimmed.length > limits.tagChars) return fail('tags', 'invalid_tags', `tag "${clip(trimmed)}" is longer than ${limits.tagChars} characters`);
    if (!tags.includes(trimmed)) tags.push(trimmed);
  }
  if (tags.length > limits.tagsPerUser) return fail('tags', 'too_many_tags', `${tags.length} tags; at most ${limits.tagsPerUser} are allowed`);
  return ok(tags);
}

/** The CSV form of tags: "kyc, vip,tier-1". */
export function parseTagsCell(cell: string): FieldResult<string[]> {
  return validateTags(cell.split(','));
}

export function formatTagsCell(tags: readonly string[]): string {
  return tags.join(',');
}

export function validateMetadata(value: unknown, field = 'metadata'): FieldResult<Record<string, unknown>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(field, 'invalid_metadata', `${field} must be a JSON object`);
  }
  const problem = jsonValueProblem(value, limits.metadataDepth);
  if (problem?.kind === 'too_deep') return fail(field, 'metadata_too_deep', `${field} is nested more than ${limits.metadataDepth} levels deep`);
  if (problem?.kind === 'unstorable') return fail(field, 'invalid_metadata', `${field} holds a NUL character or an unpaired surrogate, which cannot be stored`);
  if (problem?.kind === 'forbidden_key') return fail(field, 'invalid_metadata', `${field} may not use the key "${problem.key}" (at ${problem.path})`);
  if (problem?.kind === 'number_out_of_range') {
    return fail(field, 'invalid_metadata', `${field}.${problem.path} is a number that cannot be stored exactly (beyond ±9007199254740991 or out of range); send it as a string`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > limits.metadataBytes) return fail(field, 'metadata_too_large', `${field} is ${bytes} bytes as JSON; at most ${limits.metadataBytes} are allowed`);
  return ok(value as Record<string, unknown>);
}

/** The CSV form of metadata: a JSON object in the metadata_json column. */
export function parseMetadataCell(cell: string): FieldResult<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch (error) {
    return fail('metadata_json', 'invalid_metadata_json', `metadata_json is not valid JSON: ${(error as Error).message}`);
  }
  return validateMetadata(parsed, 'metadata_json');
}

export function validateDateOfBirth(value: unknown): FieldResult<string | null> {
  if (value === null || value === '') return ok(null);
  if (typeof value !== 'string') return fail('date_of_birth', 'invalid_date_of_birth', 'date_of_birth must be a YYYY-MM-DD string');
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.getUTCMonth() !== Number(match[2]) - 1 || date.getUTCDate() !== Number(match[3]) || Number(match[1]) < 1900) {
    return fail('date_of_birth', 'invalid_date_of_birth', `"${clip(String(value))}" is not a date of birth in YYYY-MM-DD form`);
  }
  if (date.getTime() > Date.now()) return fail('date_of_birth', 'invalid_date_of_birth', 'date_of_birth is in the future');
  return ok(value.trim());
}

/** The fields the users API writes, after validation and normalisation (one key per API-writable catalogue field). */
export interface UserProfileInput {
  vendor_data?: string;
  display_name?: string | null;
  full_name?: string | null;
  date_of_birth?: string | null;
  email?: string | null;
  phone?: string | null;
  country?: string | null;
  status?: UserStatus;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

/** The API form of each writable field; keyed by the catalogue, so a new writable field needs its validator here. */
export const fieldValidators: { [K in ApiWritableFieldName]: (value: unknown) => FieldResult<UserProfileInput[K]> } = {
  vendor_data: validateVendorData,
  display_name: validateDisplayName,
  full_name: validateFullName,
  date_of_birth: validateDateOfBirth,
  email: validateEmail,
  phone: validatePhone,
  country: validateCountry,
  status: validateStatus,
  tags: validateTags,
  metadata: (value) => validateMetadata(value),
};

/**
 * The CSV form of each field an import writes (a non-blank cell). A null value leaves the field as it
 * is: an all-commas tags cell gives no tags, so like an empty cell it leaves the user's tags alone.
 */
export const cellParsers: { [K in ImportFieldName]: (cell: string) => FieldResult<unknown> } = {
  vendor_data: validateVendorData,
  display_name: validateDisplayName,
  full_name: validateFullName,
  email: validateEmail,
  phone: validatePhone,
  country: validateCountry,
  status: validateStatus,
  tags: (cell) => {
    const result = parseTagsCell(cell);
    return result.ok && result.value.length === 0 ? { ok: true, value: null } : result;
  },
  metadata: parseMetadataCell,
};

/** Validates every API-writable field present in `input` (absent fields stay absent); returns all errors, not just the first. */
export function validateProfile(input: Record<string, unknown>): { value: UserProfileInput; errors: FieldError[] } {
  const value: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const field of apiWritableFields) {
    if (!(field in input) || input[field] === undefined) continue;
    const result = (fieldValidators[field] as (raw: unknown) => FieldResult<unknown>)(input[field]);
    if (result.ok) value[field] = result.value;
    else errors.push(result.error);
  }
  return { value: value as UserProfileInput, errors };
}

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
