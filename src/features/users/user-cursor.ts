import { badRequest } from '../../http/errors.ts';
import { isUuid } from '../auth/auth.hooks.ts';

/**
 * The users list pages newest first by (created_at DESC, didit_internal_id DESC). A cursor names the
 * last row of a page; the next page starts strictly after it, so rows inserted meanwhile (always newer)
 * never shift a page: nothing is skipped or repeated.
 *
 * created_at travels as PostgreSQL's own microsecond text: a JS Date keeps only milliseconds, and a
 * truncated position would repeat or skip rows created within the same millisecond.
 */
export interface UserCursor {
  createdAt: string;
  id: string;
}

const microsecondInstant = /^(19|2\d)\d{2}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A real calendar instant (no 30 February): PostgreSQL would refuse anything else with an error. */
function isRealInstant(text: string): boolean {
  const milliseconds = `${text.slice(0, 23)}Z`;
  const parsed = new Date(milliseconds);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === milliseconds;
}

export function encodeUserCursor(cursor: UserCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeUserCursor(text: string): UserCursor {
  const invalidCursor = () => badRequest('invalid_cursor', 'cursor is not a value this API returned as `next`; start again without it');
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || !microsecondInstant.test(createdAt) || !isRealInstant(createdAt)) throw invalidCursor();
  if (typeof id !== 'string' || !isUuid(id)) throw invalidCursor();
  return { createdAt, id };
}
