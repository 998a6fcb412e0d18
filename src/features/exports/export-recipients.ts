import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Exports that produced a file, with what a subject-access package needs to tell whether a person was in
 * one (docs/privacy.md#recipients): the filters and seqs it was made from, its columns, who asked, who
 * downloaded. An export that never completed delivered nothing and is not listed.
 */
export interface DeliveredExport {
  id: string;
  status: string;
  filters: Record<string, unknown>;
  columns: string[];
  format: string;
  as_of_seq: number | null;
  since_seq: number | null;
  row_count: number | null;
  schedule_id: string | null;
  requested_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  downloads: { at: string; ip: string | null; part?: string }[];
}

export async function listDeliveredExports(db: Kysely<Database>, appId: string): Promise<DeliveredExport[]> {
  const rows = await db
    .selectFrom('exports')
    .innerJoin('operators', 'operators.id', 'exports.created_by')
    .select([
      'exports.id',
      'exports.status',
      'exports.filters',
      'exports.columns',
      'exports.format',
      sql<number | null>`exports.as_of_seq::float8`.as('as_of_seq'),
      sql<number | null>`exports.since_seq::float8`.as('since_seq'),
      'exports.row_count',
      'exports.schedule_id',
      'operators.email as requested_by',
      'exports.created_at',
      'exports.started_at',
      'exports.finished_at',
      'exports.expires_at',
      'exports.revoked_at',
      // The downloads the audit trail recorded through the export's signed link (docs/audit.md).
      sql<{ at: string; ip: string | null; part?: string }[]>`coalesce((
        SELECT json_agg(json_build_object('at', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'ip', a.ip, 'part', a.details->>'part') ORDER BY a.id)
          FROM audit_logs a
         WHERE a.app_id = exports.app_id AND a.target_type = 'export' AND a.target_id = exports.id::text AND a.action = 'export.downloaded'), '[]'::json)`.as('downloads'),
    ])
    .where('exports.app_id', '=', appId)
    .where('exports.status', 'in', ['completed', 'expired'])
    .orderBy('exports.seq')
    .execute();
  return rows.map((row) => ({ ...row, downloads: row.downloads.map(({ part, ...download }) => (part ? { ...download, part } : download)) }));
}
