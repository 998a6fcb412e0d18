import type { Kysely } from 'kysely';
import { z } from 'zod';
import { cursorCodec, cursorParts } from '../../http/cursor.ts';
import type { Database } from '../../db/schema.ts';
import { type AuditLogFilters, findAuditLogs } from './audit.repository.ts';

export interface AuditLogView {
  id: string;
  created_at: string;
  action: string;
  outcome: 'success' | 'failure';
  actor: { type: 'operator' | 'api_key' | 'system'; id: string | null; label: string };
  app_id: string | null;
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  ip: string | null;
  /** On an import's line: how many per-user entries fold under it, and the filter that lists them. */
  children?: { count: number; filter: { import_id: string } | { revert_of: string } };
  /** The users a read showed (docs/privacy.md#reads-on-record). */
  subjects?: string[];
}

const importEndActions = new Set(['import.completed', 'import.failed', 'import.cancelled']);
const count = (value: unknown) => (typeof value === 'number' ? value : 0);

/** The per-user entries folded under an import's line (counts from the line's own details: no extra query). */
function childrenOf(row: { action: string; target_type: string | null; target_id: string | null; details: Record<string, unknown> }): AuditLogView['children'] {
  if (row.target_type !== 'import' || !row.target_id) return undefined;
  if (importEndActions.has(row.action)) {
    const entries = count(row.details.created) + count(row.details.updated);
    return entries > 0 ? { count: entries, filter: { import_id: row.target_id } } : undefined;
  }
  if (row.action === 'import.reverted') {
    const entries = count(row.details.reverted) + count(row.details.deleted);
    return entries > 0 ? { count: entries, filter: { revert_of: row.target_id } } : undefined;
  }
  return undefined;
}

/** The cursor is opaque to clients; inside it is the id of the last entry they saw. */
export const auditCursor = cursorCodec('audit log', z.object({ id: cursorParts.serial }));

/** Lists the operator's organization's audit trail; the organization comes from the caller, never the query. */
export async function listAuditLogs(db: Kysely<Database>, orgId: string, filters: AuditLogFilters): Promise<{ results: AuditLogView[]; next: string | null }> {
  const page = await findAuditLogs(db, orgId, filters);
  const results = page.rows.map(
    (row): AuditLogView => ({
      id: String(row.id),
      created_at: row.created_at.toISOString(),
      action: row.action,
      outcome: row.outcome,
      actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
      app_id: row.app_id,
      target: row.target_type !== null ? { type: row.target_type, id: row.target_id ?? '' } : null,
      details: row.details,
      ip: row.ip,
      ...(childrenOf(row) ? { children: childrenOf(row) } : {}),
      ...(row.subject_ids ? { subjects: row.subject_ids } : {}),
    }),
  );
  const last = results.at(-1);
  return { results, next: page.more && last ? auditCursor.encode({ id: Number(last.id) }) : null };
}
