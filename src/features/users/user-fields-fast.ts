import { countries } from './countries.ts';
import { checkPlainPhone } from './phone-validator.ts';
import type { ImportChangeFieldName } from '../../shared/user-catalogue.ts';
import type { UserStatus } from '../../db/schema.ts';
import { limits, userStatuses } from './user-fields.ts';

/**
 * Fast acceptance for the common cell, in front of user-fields.ts's validators (imports check
 * millions of cells). Each function returns the value the full validator would return when the
 * cell is plainly valid, or undefined to mean "ask the full validator": it decides only when a
 * cheap test proves the full one would accept the same value, so errors, messages and every
 * unusual-but-valid cell still come from user-fields.ts. user-fields-fast.test.ts holds both to it.
 */

// Printable ASCII without a space at either end: no control character, no surrogate, nothing trim() removes, one byte a character.
const plainAscii = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
// No control character or surrogate anywhere, nothing trim() removes at either end, no line terminator (`.`).
const plainText = /^[^\s\u0000-\u001f\u007f\uD800-\uDFFF](?:[^\u0000-\u001f\u007f\uD800-\uDFFF\u2028\u2029]*[^\s\u0000-\u001f\u007f\uD800-\uDFFF])?$/;
// user-fields' email pattern with the local part narrowed to printable ASCII.
const plainEmail = /^[!#-'*+\-./0-9=?A-Z^-~]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
// Comma-separated tags of printable ASCII, no empty tag, no space next to a comma or at either end.
const plainTags = /^[\x21-\x2b\x2d-\x7e](?:[\x20-\x2b\x2d-\x7e]*[\x21-\x2b\x2d-\x7e])?(?:,[\x21-\x2b\x2d-\x7e](?:[\x20-\x2b\x2d-\x7e]*[\x21-\x2b\x2d-\x7e])?)*$/;
// A JSON text without escapes (JSON.parse refuses raw control characters) and without a lone surrogate
// holds no NUL and no lone surrogate once parsed. (String#isWellFormed: Node 20+, not yet in TypeScript's ES2023 lib.)
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();
// Numbers may grow when printed again (1e20 → 21 digits, 5.25×) and a character takes up to 3 bytes: below this, the size limit cannot be reached.
const METADATA_CHARS_BELOW_LIMIT = Math.floor(limits.metadataBytes / 3 / 5.25) - 1;

const mayHoldRefusedJson = /__proto__|constructor|\d[eE][+-]?\d|\d{16}/;

const alpha3 = new Set(Object.keys(countries.getAlpha3Codes()).filter((code) => /^[A-Z]{3}$/.test(code) && countries.alpha3ToAlpha2(code) !== undefined));
const statuses = new Set<string>(userStatuses);

export function fastVendorData(cell: string): string | undefined {
  return cell.length <= limits.vendorDataBytes && plainAscii.test(cell) ? cell : undefined;
}

export function fastName(cell: string): string | undefined {
  return cell.length <= limits.nameChars && plainText.test(cell) ? cell : undefined;
}

export function fastEmail(cell: string): string | undefined {
  return cell.length <= limits.emailChars && plainEmail.test(cell) ? cell : undefined;
}

export function fastPhone(cell: string): string | undefined {
  if (cell.charCodeAt(0) !== 0x2b) return undefined;
  const checked = checkPlainPhone(cell);
  return checked?.valid ? checked.e164 : undefined;
}

export function fastCountry(cell: string): string | undefined {
  return alpha3.has(cell) ? cell : undefined;
}

export function fastStatus(cell: string): UserStatus | undefined {
  return statuses.has(cell) ? (cell as UserStatus) : undefined;
}

export function fastTags(cell: string): string[] | undefined {
  if (!plainTags.test(cell)) return undefined;
  const tags: string[] = [];
  let start = 0;
  for (;;) {
    const comma = cell.indexOf(',', start);
    const end = comma < 0 ? cell.length : comma;
    if (end - start > limits.tagChars) return undefined;
    const tag = cell.slice(start, end);
    if (!tags.includes(tag)) {
      if (tags.length === limits.tagsPerUser) return undefined;
      tags.push(tag);
    }
    if (comma < 0) return tags;
    start = comma + 1;
  }
}

/** A JSON object small and plain enough that depth, size and storability cannot fail. */
export function fastMetadata(cell: string): Record<string, unknown> | undefined {
  if (cell.charCodeAt(0) !== 0x7b || cell.length > METADATA_CHARS_BELOW_LIMIT || cell.includes('\\') || !isWellFormed(cell)) return undefined;
  // Keys json-values.ts refuses, and numbers that may not be stored exactly (an exponent, or 16+ digits), go to the full check.
  if (mayHoldRefusedJson.test(cell)) return undefined;
  if (cell.length > limits.metadataDepth) {
    let brackets = 0;
    for (let i = 0; i < cell.length; i++) {
      const code = cell.charCodeAt(i);
      if ((code === 0x7b || code === 0x5b) && ++brackets > limits.metadataDepth) return undefined;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch {
    return undefined;
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

/** The fast check of each field an import changes, by catalogue name (row-validation.ts). */
export const fastCellChecks: { [K in ImportChangeFieldName]: (cell: string) => unknown } = {
  display_name: fastName,
  full_name: fastName,
  email: fastEmail,
  phone: fastPhone,
  country: fastCountry,
  status: fastStatus,
  tags: fastTags,
  metadata: fastMetadata,
};
