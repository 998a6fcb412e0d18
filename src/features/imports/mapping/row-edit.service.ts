import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../../context.ts';
import type { Database } from '../../../db/schema.ts';
import { AppError, conflict, invalid, notFound } from '../../../http/errors.ts';
import { recordAudit } from '../../audit/audit-writer.public.ts';
import { decodeCells } from '../staging/copy-text.ts';
import { applyEdits, loadImportAdjustments, recordRowEdit } from './import-adjustments.repository.ts';
import { rowValues } from '../import-files.ts';
import { findExistingUsers, importRowsCopySql, rowErrors } from '../staging/import-rows.repository.ts';
import { getImport, type ImportActor } from '../imports.service.ts';
import { lockImport } from '../imports.repository.ts';
import type { TableHeader } from '../readers/index.ts';
import { processBatch } from '../validation/row-batch.ts';
import type { CellFix } from './row-fixes.ts';
import { planStage } from '../staging/stage-plan.ts';

/**
 * PATCH …/rows/{row} (docs/vendor-migration.md#cell-edits-api): edits the staged row, never the stored file. The edit is
 * kept in import_row_edits (logged), so a later re-validation or a rebuilt staging table applies
 * it again; the row is checked at once and the import's counts follow.
 */
export async function editImportRow(ctx: AppContext, actor: ImportActor, importId: string, rowNumber: number, given: Record<string, string>) {
  const record = await getImport(ctx, actor.appId, importId);
  if (record.file_deleted_at) throw new AppError('rows_expired', 'The rows of this import have passed their retention period');
  const headers = record.columns;
  // A key is a header of the file, or a field a header is mapped to.
  const cells: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(given)) {
    const source = headers.includes(key) ? key : record.column_map?.find((column) => column.field === key)?.source;
    if (source === undefined) unknown.push(key);
    else cells[source] = value;
  }
  if (unknown.length > 0) throw invalid('unknown_column', `The file has no column ${unknown.map((name) => `"${name}"`).join(', ')} and none is mapped to it`);

  return ctx.db.transaction().execute(async (trx) => {
    const current = await lockImport(trx, actor.appId, importId);
    if (!current) throw notFound('Import');
    if (current.status !== 'ready') throw conflict('invalid_state', `The import is ${current.status}; rows can be edited while it is ready`);
    const staged = await trx
      .selectFrom('import_rows')
      .select(['row', 'line', 'cells', 'action', 'errors'])
      .where('import_id', '=', importId)
      .where('row', '=', rowNumber)
      .executeTakeFirst();
    if (!staged) throw notFound('Row');
    const before = decodeCells(staged.cells);
    await recordRowEdit(trx, importId, rowNumber, cells, actor.operator.operatorId);
    const edited = applyEdits(before, cells, headers);

    const header: TableHeader = { format: (current.format ?? 'csv') as TableHeader['format'], encoding: current.encoding, delimiter: current.delimiter, columns: headers };
    const plan = await planStage(trx, actor.appId, header, await loadImportAdjustments(trx, importId));
    // The row is checked exactly as staging checks every row (fixes, validation, mode, diff), then
    // replaces its staged version.
    const record = { row: rowNumber, line: staged.line, fields: edited };
    const checked = await processBatch(
      { importId, appId: actor.appId, plan: plan.plan, mode: current.mode, lookUpUsers: true, records: [record], fixes: plan.fixes },
      (appId, keys) => findExistingUsers(ctx.database.pool, appId, keys),
    );
    await trx.deleteFrom('import_rows').where('import_id', '=', importId).where('row', '=', rowNumber).execute();
    await copyRows(trx, checked.copyData);
    // A vendor_data an earlier row has: the first occurrence wins, as in the preview.
    await sql`
      UPDATE import_rows r SET action = 'skip', skip_code = NULL,
             errors = coalesce(r.errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
               'column', 'vendor_data', 'code', 'duplicate_vendor_data',
               'message', format('vendor_data "%s" already appears on line %s (row %s); the first occurrence wins', left(r.vendor_data, 60), e.line, e.row)))
        FROM (SELECT row, line, vendor_data FROM import_rows WHERE import_id = ${importId} AND row < ${rowNumber} ORDER BY row) e
       WHERE r.import_id = ${importId} AND r.row = ${rowNumber} AND r.errors IS NULL AND e.vendor_data = r.vendor_data`.execute(trx);
    const after = await trx.selectFrom('import_rows').select(['cells', 'action', 'errors', 'skip_code', 'changes', 'warnings', 'fixes']).where('import_id', '=', importId).where('row', '=', rowNumber).executeTakeFirstOrThrow();
    const action = after.action;
    const errors = rowErrors(after);
    const fixes = after.fixes as unknown[] | null;
    const fields = decodeCells(after.cells);
    await recountPreview(trx, importId);
    await recordAudit(trx, {
      orgId: actor.operator.orgId,
      appId: actor.appId,
      actor: actor.operator,
      action: 'import.row_edited',
      target: { type: 'import', id: importId },
      details: { row: rowNumber, line: staged.line, cells, before: Object.fromEntries(Object.keys(cells).map((source) => [source, before[headers.indexOf(source)] ?? ''])), action },
      ip: actor.ip,
    });
    return {
      row: rowNumber,
      line: staged.line,
      values: rowValues(fields, headers),
      action,
      errors,
      ...(after.changes ? { changes: after.changes } : {}),
      warnings: after.warnings ?? [],
      ...(fixes ? { fixes: fixes as CellFix[] } : {}),
    };
  });
}

const copyColumns = /\(([^)]*)\)/.exec(importRowsCopySql)![1]!.split(',').map((column) => column.trim());
const copyEscapes: Record<string, string> = { '\\': '\\', n: '\n', r: '\r', t: '\t' };

/**
 * Inserts rows checked by processBatch (COPY text format) with a plain INSERT: the edit runs in a
 * Kysely transaction, whose connection cannot stream a COPY.
 */
async function copyRows(trx: Transaction<Database>, data: Uint8Array): Promise<void> {
  for (const line of Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8').split('\n')) {
    if (line === '') continue;
    const values = line.split('\t').map((field) => (field === '\\N' ? null : field.replace(/\\([\\nrt])/g, (_whole, code: string) => copyEscapes[code]!)));
    await sql`INSERT INTO import_rows (${sql.join(copyColumns.map((column) => sql.ref(column)))}) VALUES (${sql.join(values)})`.execute(trx);
  }
}

/** The preview's counts again from the staged rows (one edit can move a row between any of them). */
async function recountPreview(trx: Transaction<Database>, importId: string): Promise<void> {
  await sql`
    UPDATE imports i SET
      valid_rows = c.valid, invalid_rows = c.invalid, to_create = c.creates, to_update = c.updates, preview_unchanged = c.unchanged,
      to_skip = c.skipped, verified_ignored = c.verified,
      field_changes = coalesce((SELECT jsonb_object_agg(field, rows) FROM (
          SELECT key AS field, count(*)::int AS rows FROM import_rows r, jsonb_object_keys(r.changes) key
           WHERE r.import_id = ${importId} AND r.action = 'update' GROUP BY 1) f), '{}'::jsonb),
      status_changes = coalesce((SELECT jsonb_agg(jsonb_build_object('from', s.from_status, 'to', s.to_status, 'count', s.rows) ORDER BY s.rows DESC) FROM (
          SELECT r.changes->'status'->>'from' AS from_status, r.changes->'status'->>'to' AS to_status, count(*)::int AS rows FROM import_rows r
           WHERE r.import_id = ${importId} AND r.action = 'update' AND r.changes ? 'status' GROUP BY 1, 2) s), '[]'::jsonb),
      fix_counts = coalesce((SELECT jsonb_object_agg(code, rows) FROM (
          SELECT f->>'code' AS code, count(DISTINCT r.row)::int AS rows
            FROM import_rows r, jsonb_array_elements(r.fixes) f
           WHERE r.import_id = ${importId} AND r.fixes IS NOT NULL GROUP BY 1) k), '{}'::jsonb)
      FROM (SELECT count(*) FILTER (WHERE errors IS NULL)::int AS valid, count(*) FILTER (WHERE errors IS NOT NULL)::int AS invalid,
                   count(*) FILTER (WHERE action = 'create')::int AS creates, count(*) FILTER (WHERE action = 'update')::int AS updates,
                   count(*) FILTER (WHERE action = 'unchanged')::int AS unchanged,
                   count(*) FILTER (WHERE errors IS NULL AND skip_code IS NOT NULL)::int AS skipped,
                   count(*) FILTER (WHERE errors IS NULL AND warnings IS NOT NULL)::int AS verified
              FROM import_rows WHERE import_id = ${importId}) c
     WHERE i.id = ${importId}`.execute(trx);
}
