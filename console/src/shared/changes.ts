import { fieldByCsv, fieldByName } from '../../../src/shared/user-catalogue.ts';
import type { AuditEntry, FieldChanges } from '../api/types.ts';

/** How the console words a change of a user's fields (the ledger's `changes`, docs/import-ledger.md#per-user-history). */

export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** "email a@x → b@x; country FRA → ESP" */
export function describeChanges(changes: FieldChanges | undefined | null): string {
  if (!changes) return '';
  return Object.entries(changes)
    .map(([field, change]) => (change.from === null || change.from === undefined ? `${field} ${formatValue(change.to)}` : `${field} ${formatValue(change.from)} → ${formatValue(change.to)}`))
    .join('; ');
}

/** The field a file column writes ("metadata_json" → "metadata"), to find a cell's change. */
export function fieldOfColumn(column: string): string {
  return fieldByCsv(column)?.name ?? column;
}

/** The file column of a field ("metadata" → "metadata_json"), for counts shown over the file's table. */
export function columnOfField(field: string): string {
  return fieldByName(field)?.csv ?? field;
}

const verbs: Record<string, string> = {
  'user.created': 'Created',
  'user.updated': 'Updated',
  'user.status_changed': 'Status changed',
  'user.deleted': 'Deleted',
};

/** Where a read showed the user (docs/privacy.md#reads-on-record). */
const reads: Record<string, (details: Record<string, unknown>) => string> = {
  'user.viewed': () => 'on the user page',
  'users.listed': (details) => `in a list of ${typeof details.count === 'number' ? details.count : 'several'} users`,
  'user_changes.listed': () => 'in the change feed',
  'user.access_package_downloaded': () => 'in a downloaded access package',
};

/** A read of the user as one line: "Viewed by ana@example.com in a list of 50 users (redacted)"; null for any other entry. */
export function describeRead(entry: AuditEntry): string | null {
  const where = reads[entry.action];
  if (!where) return null;
  const details = (entry.details ?? {}) as Record<string, unknown>;
  const requester = (details.requested_by as { email?: string } | undefined)?.email;
  const who = entry.action === 'user.access_package_downloaded' && requester ? requester : (entry.actor.label ?? entry.actor.type);
  return `Viewed by ${who} ${where(details)}${details.redacted === true ? ' (personal data hidden from their role)' : ''}`;
}

/** One line of a user's history: "Updated by import customers.csv: email a@x → b@x". */
export function describeEntry(entry: AuditEntry): string | null {
  const details = (entry.details ?? {}) as Record<string, unknown>;
  const read = describeRead(entry);
  if (read) return read;
  const verb = verbs[entry.action];
  if (!verb) return null;
  const file = typeof details.file_name === 'string' ? details.file_name : 'a file';
  const by = details.import_id ? `by import ${file}` : details.revert_of ? `by reverting import ${file}` : `by ${entry.actor.label ?? entry.actor.type}`;
  const changes = describeChanges(details.changes as FieldChanges | undefined);
  const reason = typeof details.reason === 'string' ? ` (reason: ${details.reason})` : '';
  return `${verb} ${by}${changes ? `: ${changes}` : ''}${reason}`;
}
