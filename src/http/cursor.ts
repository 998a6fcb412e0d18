import { z } from 'zod';
import { badRequest } from './errors.ts';
import { isWithinCalendar } from '../platform/validation/instants.ts';

/**
 * The one cursor codec of every list (docs/api.md#conventions-of-both-apis): a cursor is the list's
 * name and the position after which the next page starts, as base64url JSON. It is opaque to
 * clients, and whatever comes back is checked against the list's own Zod schema, so a cursor that
 * was altered, made up, or given out by another list (or another sort of the same list) is
 * `400 invalid_cursor`, never a failed query.
 */

/** Long enough for a sort cursor that carries a 2,000-byte vendor_data, far below a URL's limit. */
const MAX_CURSOR_CHARS = 12_000;
const base64url = /^[A-Za-z0-9_-]+$/;

export const invalidCursor = () => badRequest('invalid_cursor', 'cursor is not a value this list returned as `next`; start again without it');

export interface CursorCodec<Written, Read> {
  encode(position: Written): string;
  /** The position inside `text`, or a 400 invalid_cursor. */
  decode(text: string): Read;
}

/**
 * A codec for one list. `list` names it inside every cursor (cursors of different lists never pass
 * for each other); `position` is what the list pages after, with every check its query relies on.
 */
export function cursorCodec<Schema extends z.ZodType>(list: string, position: Schema): CursorCodec<z.input<Schema>, z.output<Schema>> {
  return {
    encode: (value) => Buffer.from(JSON.stringify([list, value]), 'utf8').toString('base64url'),
    decode(text) {
      if (text.length === 0 || text.length > MAX_CURSOR_CHARS || !base64url.test(text)) throw invalidCursor();
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      } catch {
        throw invalidCursor();
      }
      if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== list) throw invalidCursor();
      const checked = position.safeParse(parsed[1]);
      if (!checked.success) throw invalidCursor();
      return checked.data;
    },
  };
}

/** Parts the positions of lists are made of. */
export const cursorParts = {
  id: z.guid(),
  /** A sequence or serial id, as the database hands it out. */
  serial: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** A millisecond instant (toISOString) PostgreSQL can read back: years 0001–9999. */
  instant: z
    .string()
    .max(40)
    .transform((text) => new Date(text))
    .refine(isWithinCalendar),
  /** PostgreSQL's own microsecond text of a timestamp: a JS Date would drop the microseconds and repeat or skip rows. */
  microsecondInstant: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    .refine((text) => {
      const milliseconds = `${text.slice(0, 23)}Z`;
      const parsed = new Date(milliseconds);
      return isWithinCalendar(parsed) && parsed.toISOString() === milliseconds;
    }),
};
