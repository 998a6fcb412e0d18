import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type DeliveredExport, listDeliveredExports } from '../exports/index.ts';
import { listScheduledDeliveries, type ScheduledDelivery } from '../export-schedules/index.ts';
import { listWebhookRecipients, type WebhookRecipient } from '../webhooks/index.ts';
import { personalDataCsvColumns, readSubjectFeed, type SubjectFeedChange, type UserFilters, userObjectMatchesFilters } from '../users/index.ts';

/**
 * recipients.json of a subject-access package (docs/privacy.md#recipients): every export, scheduled delivery
 * and webhook endpoint that received the person's data, as far as Roster can tell, and plainly where it cannot.
 *
 * An export records the filters it ran (as scoped to its requester's role) and `as_of_seq`, the change feed
 * position its rows reflect. The person's state at that seq comes from the feed: the user object after their
 * last change at or before it, or, when that change was pruned, the object after their first later change
 * with each changed field set back to its `from` value, or their current state when they have not changed
 * since. That state is run through the export's own filter clause (users.filters.ts).
 */

type Inclusion = 'yes' | 'no' | 'unknown';

interface StateAtSeq {
  /** The user object at the seq; null: the person did not exist then (or was deleted). */
  state?: Record<string, unknown> | null;
  basis: string;
}

export interface RecipientsFile {
  generated_at: string;
  didit_internal_id: string;
  how_this_was_worked_out: string[];
  exports: Record<string, unknown>[];
  exports_checked: number;
  exports_without_this_person: number;
  webhook_endpoints: WebhookRecipient[];
  could_not_tell: string[];
}

/** The person's state at `seq`, from the feed (see above); `state` is absent when it cannot be known. */
export function stateAtSeq(feed: { changes: SubjectFeedChange[]; prunedThrough: number }, current: Record<string, unknown> | undefined, seq: number): StateAtSeq {
  const atOrBefore = feed.changes.filter((change) => change.seq <= seq).at(-1);
  if (atOrBefore) return { state: atOrBefore.user, basis: `the person as of their change at seq ${atOrBefore.seq}` };
  // No retained change at or before seq: the changes after it are complete only if the feed was not pruned past seq.
  if (feed.prunedThrough > seq) return { basis: `the change feed was pruned through seq ${feed.prunedThrough}, past this export's seq ${seq}` };
  const after = feed.changes.find((change) => change.seq > seq);
  if (!after) return current ? { state: current, basis: `the person as they are now: unchanged since seq ${seq}` } : { state: null, basis: 'the person does not exist' };
  if (after.type === 'user.created') return { state: null, basis: `the person was created later, at seq ${after.seq}` };
  if (!after.user) return { basis: `the person's next change (seq ${after.seq}) removed them and the state before it was pruned` };
  const before = { ...after.user };
  for (const [field, change] of Object.entries(after.changes)) before[field] = change.from;
  return { state: before, basis: `the person before their change at seq ${after.seq} (its "from" values)` };
}

async function inclusionIn(
  db: Kysely<Database>,
  appId: string,
  record: DeliveredExport,
  feed: { changes: SubjectFeedChange[]; prunedThrough: number },
  current: Record<string, unknown> | undefined,
  matches: (state: Record<string, unknown>, filters: UserFilters) => Promise<boolean>,
): Promise<{ included: Inclusion; as?: 'row' | 'deleted_row'; basis: string }> {
  if (record.as_of_seq === null) {
    const now = current ? await matches(current, record.filters as UserFilters) : false;
    return {
      included: 'unknown',
      basis: `made before Roster recorded which change-feed position an export reflects (as_of_seq); the person as they are now ${now ? 'matches' : 'does not match'} its filters`,
    };
  }
  const at = stateAtSeq(feed, current, record.as_of_seq);
  if (record.since_seq !== null) {
    // Incremental: only people changed in (since_seq, as_of_seq] are in it, as rows or as `_deleted` rows.
    if (feed.prunedThrough > record.since_seq) return { included: 'unknown', basis: `an incremental export from seq ${record.since_seq}; the change feed was pruned through seq ${feed.prunedThrough}` };
    const changed = feed.changes.some((change) => change.seq > record.since_seq! && change.seq <= record.as_of_seq!);
    if (!changed) return { included: 'no', basis: `an incremental export: no change of the person in seqs ${record.since_seq + 1}..${record.as_of_seq}` };
    if (at.state === undefined) return { included: 'yes', as: 'deleted_row', basis: `changed in the export's seqs; ${at.basis}` };
    if (at.state && (await matches(at.state, record.filters as UserFilters))) return { included: 'yes', as: 'row', basis: at.basis };
    return { included: 'yes', as: 'deleted_row', basis: `changed in the export's seqs but outside its filters: listed by id and vendor_data only; ${at.basis}` };
  }
  if (at.state === undefined) return { included: 'unknown', basis: at.basis };
  if (at.state === null) return { included: 'no', basis: at.basis };
  return (await matches(at.state, record.filters as UserFilters)) ? { included: 'yes', as: 'row', basis: at.basis } : { included: 'no', basis: `${at.basis}: outside the export's filters` };
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

function describeExport(record: DeliveredExport, scheduled: ScheduledDelivery | undefined, verdict: Awaited<ReturnType<typeof inclusionIn>>) {
  const personal = record.columns.filter((column) => (personalDataCsvColumns as readonly string[]).includes(column));
  return {
    export_id: record.id,
    included: verdict.included,
    ...(verdict.as ? { included_as: verdict.as } : {}),
    basis: verdict.basis,
    requested_by: record.requested_by,
    requested_at: record.created_at.toISOString(),
    completed_at: iso(record.finished_at),
    format: record.format,
    columns: record.columns,
    personal_data_columns: personal,
    filters: record.filters,
    as_of_seq: record.as_of_seq,
    since_seq: record.since_seq,
    link_expires_at: iso(record.expires_at),
    link_revoked_at: iso(record.revoked_at),
    downloads: record.downloads,
    schedule: scheduled
      ? { schedule_id: scheduled.schedule_id, name: scheduled.schedule_name, destination: scheduled.destination_url, destination_prefix: scheduled.destination_prefix, delivery: scheduled.delivery, delivered_at: iso(scheduled.finished_at) }
      : null,
  };
}

export async function buildRecipients(db: Kysely<Database>, appId: string, userId: string, current: Record<string, unknown> | undefined, now = new Date()): Promise<RecipientsFile> {
  const [feed, exports, scheduled, webhooks] = await Promise.all([
    readSubjectFeed(db, appId, userId),
    listDeliveredExports(db, appId),
    listScheduledDeliveries(db, appId),
    listWebhookRecipients(db, appId, userId),
  ]);
  // Scheduled runs repeat the same filters over the same state: each (state, filters) pair is asked once.
  const answers = new Map<string, Promise<boolean>>();
  const matches = (state: Record<string, unknown>, filters: UserFilters) => {
    const key = JSON.stringify([state, filters]);
    if (!answers.has(key)) answers.set(key, userObjectMatchesFilters(db, appId, state, filters));
    return answers.get(key)!;
  };
  const byExport = new Map(scheduled.map((delivery) => [delivery.export_id, delivery]));
  const listed: Record<string, unknown>[] = [];
  let without = 0;
  const couldNotTell: string[] = [];
  for (const record of exports) {
    const verdict = await inclusionIn(db, appId, record, feed, current, matches);
    if (verdict.included === 'no') {
      without++;
      continue;
    }
    if (verdict.included === 'unknown') couldNotTell.push(`export ${record.id} (${record.created_at.toISOString()}): ${verdict.basis}`);
    listed.push(describeExport(record, byExport.get(record.id), verdict));
  }
  return {
    generated_at: now.toISOString(),
    didit_internal_id: userId,
    how_this_was_worked_out: [
      'Exports: each export that produced a file records the filters it ran and the change-feed position (as_of_seq) its rows reflect. The person as they were at that position is taken from the change feed and run through the same filters. Incremental exports held only people changed between since_seq and as_of_seq.',
      'Exports still queued, running, failed or cancelled delivered nothing and are not listed; exports that did not hold the person are counted in exports_without_this_person.',
      'A download of an export is recorded by its signed link (who requested it, when and from which IP it was downloaded); a scheduled run may also have been copied to its destination bucket. What happened to a file after it left Roster is not known to Roster.',
      'Webhooks: every event about the person queued for an endpoint, with how many were delivered. A "thin" endpoint received ids and changed field names only; a "full" one received the user object.',
      'Destinations and webhook URLs are shown as configured now; earlier values are in the audit log (export_schedule.updated, webhook.updated).',
    ],
    exports: listed,
    exports_checked: exports.length,
    exports_without_this_person: without,
    webhook_endpoints: webhooks,
    could_not_tell: couldNotTell,
  };
}
