import { AppError, type ErrorDetail } from '../../http/errors.ts';
import { apiWritableFields, readOnlyApiFields } from '../../shared/user-catalogue.ts';
import { type FieldError, type UserProfileInput, validateProfile, validateVendorData } from './user-fields.ts';
import { isStorableText } from '../../platform/validation/safe-text.ts';

/**
 * Turns a users-API request body into validated values, or one 422 that lists every problem.
 * Field rules live in user-fields.ts (shared with CSV import); this adds what only the API has:
 * unknown and read-only keys, and free-text fields such as a status reason.
 */

/** What the users API may write directly: the catalogue's API-writable fields (date_of_birth too, until verified). */
export type UserWrite = UserProfileInput;

export const writableUserFields = apiWritableFields;

// Read-only fields of the user object are named as such in errors (not as unknown keys).
const readOnlyUserFields = new Set<string>(readOnlyApiFields);

/** 422 whose code is the first problem's code (what scripts usually branch on); details list them all. */
export function validationError(errors: readonly ErrorDetail[]): AppError {
  const message = errors.map((error) => error.message).join('; ');
  return new AppError(errors[0]?.code ?? 'validation_failed', message, [...errors]);
}

/** Keys outside `allowed`: read-only user fields and unknown names are both reported, never silently dropped. */
export function unexpectedFields(body: Record<string, unknown>, allowed: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    if (allowed.includes(key)) continue;
    const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
    errors.push(
      readOnlyUserFields.has(key)
        ? { field: key, code: 'read_only_field', message: `${key} is read-only` }
        : { field: shown, code: 'unknown_field', message: `"${shown}" is not a field of this request` },
    );
  }
  return errors;
}

/** Validates a create (vendor_data required) or patch body; throws 422 listing every problem. */
export function parseUserWrite(body: Record<string, unknown>, options: { requireVendorData: boolean }): UserWrite {
  const errors: FieldError[] = unexpectedFields(body, writableUserFields);
  const { value, errors: fieldErrors } = validateProfile(body);
  errors.push(...fieldErrors);
  if (options.requireVendorData && value.vendor_data === undefined && !fieldErrors.some((error) => error.field === 'vendor_data')) {
    const missing = validateVendorData(body.vendor_data);
    if (!missing.ok) errors.push(missing.error);
  }
  if (errors.length > 0) throw validationError(errors);
  return value;
}

/** A free-text field (status reason, face comment): trimmed, bounded, storable. */
/** The free-text fields; each has its codes in the catalogue (missing_…, invalid_…, …_too_long). */
type NoteField = 'reason' | 'comment' | 'status_reason';

export function validateNote(field: NoteField, value: unknown, options: { required: boolean; maxChars: number }): { ok: true; value: string | null } | { ok: false; error: FieldError } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (options.required) return { ok: false, error: { field, code: `missing_${field}`, message: `${field} is required` } };
    return { ok: true, value: null };
  }
  if (typeof value !== 'string') return { ok: false, error: { field, code: `invalid_${field}`, message: `${field} must be a string` } };
  const trimmed = value.trim();
  if (!isStorableText(trimmed)) return { ok: false, error: { field, code: `invalid_${field}`, message: `${field} holds a NUL character or an unpaired surrogate` } };
  if (trimmed.length > options.maxChars) return { ok: false, error: { field, code: `${field}_too_long`, message: `${field} is longer than ${options.maxChars} characters` } };
  return { ok: true, value: trimmed };
}
