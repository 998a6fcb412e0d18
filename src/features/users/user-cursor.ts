import { z } from 'zod';
import { cursorCodec, cursorParts } from '../../http/cursor.ts';

/**
 * The users list pages newest first by (created_at DESC, didit_internal_id DESC). A cursor names the
 * last row of a page; the next page starts strictly after it, so rows inserted meanwhile (always newer)
 * never shift a page: nothing is skipped or repeated.
 *
 * created_at travels as PostgreSQL's own microsecond text: a JS Date keeps only milliseconds, and a
 * truncated position would repeat or skip rows created within the same millisecond.
 */
export const userCursor = cursorCodec('users', z.object({ createdAt: cursorParts.microsecondInstant, id: cursorParts.id }));

export type UserCursor = ReturnType<typeof userCursor.decode>;
