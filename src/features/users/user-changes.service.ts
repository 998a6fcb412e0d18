import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import type { Role } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { type ConsoleUser, personalUserFields, redactUser, seesPersonalData } from './user-redaction.ts';
import { readChangePage } from './user-changes.repository.ts';
import type { FeedChange } from '../../shared/change-feed.ts';
import type { UserResponse } from './users.schemas.ts';

/** The change feed's reading rules (docs/change-feed.md): pages in seq order, a cursor past retention is refused. */

const seqNumber = (what: string) => z.coerce.number({ message: `${what} must be a whole number` }).int(`${what} must be a whole number`).min(0, `${what} must be 0 or more`);
const limitNumber = z.coerce.number({ message: 'must be a whole number from 1 to 1000' }).int('must be a whole number from 1 to 1000').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100);

export const feedQuery = z.object({
  after: seqNumber('after').max(Number.MAX_SAFE_INTEGER).default(0).describe('The `next_after` of the previous page (0: from the start)'),
  limit: limitNumber,
});

export const consoleFeedQuery = feedQuery.extend({
  order: z.enum(['asc', 'desc']).default('asc').describe('desc: newest first, paged with `before`'),
  before: seqNumber('before').max(Number.MAX_SAFE_INTEGER).optional().describe('With order=desc: the `next_before` of the previous page'),
});

export const cursorExpired = (prunedThrough: number) =>
  new AppError('cursor_expired', `Changes up to seq ${prunedThrough} are past CHANGE_FEED_RETENTION and were deleted; take a full export and continue from its as_of_seq`);

/** A page of the feed as the API's JSON text (no parsing in Node: PostgreSQL builds the changes). */
export async function readFeedJson(ctx: AppContext, appId: string, query: { after: number; limit: number }): Promise<string> {
  const page = await readChangePage(ctx.database.pool, appId, query);
  if (query.after < page.prunedThrough) throw cursorExpired(page.prunedThrough);
  return `{"results":${page.json},"next_after":${page.last ?? query.after},"has_more":${page.hasMore}}`;
}

/** A change as the feed's JSON carries it (docs/change-feed.md). */
export type Change = FeedChange<UserResponse>;

/** A change as the operator's role may read it: personal values in `changes` and `user` withheld, named in `redacted`. */
export function redactChange(role: Role, change: Change): Omit<Change, 'user'> & { user: ConsoleUser | null; redacted: string[] } {
  if (seesPersonalData(role)) return { ...change, user: change.user && redactUser(role, change.user), redacted: [] };
  const changes = Object.fromEntries(
    Object.entries(change.changes).map(([field, value]) => [field, (personalUserFields as readonly string[]).includes(field) ? { from: null, to: null } : value]),
  );
  return { ...change, changes, user: change.user && redactUser(role, change.user), redacted: [...personalUserFields] };
}

/** The console's feed: the API's pages, or newest first (order=desc, paged by `before`), redacted by role. */
export async function readConsoleFeed(ctx: AppContext, appId: string, role: Role, query: z.infer<typeof consoleFeedQuery>) {
  if (query.order === 'desc') {
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const page = await readChangePage(ctx.db, appId, { before, limit: query.limit });
    // Newest first never passes a pruned change: it stops where the feed begins.
    const results = (JSON.parse(page.json) as Change[]).map((change) => redactChange(role, change));
    return { results, next_before: page.last ?? before, has_more: page.hasMore };
  }
  const page = await readChangePage(ctx.db, appId, query);
  if (query.after < page.prunedThrough) throw cursorExpired(page.prunedThrough);
  const results = (JSON.parse(page.json) as Change[]).map((change) => redactChange(role, change));
  return { results, next_after: page.last ?? query.after, has_more: page.hasMore };
}
