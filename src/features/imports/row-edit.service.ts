import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, conflict, invalid, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { decodeCells, encodeCells } from './copy-text.ts';
import { applyEdits, loadImportAdjustments, recordRowEdit } from './import-adjustments.repository.ts';
import { rowValues } from './import-files.ts';
import { findExistingUsers } from './import-rows.repository.ts';
import { getImport, type ImportActor } from './imports.service.ts';
import { lockImport } from './imports.repository.ts';
import type { RowAction, RowError } from './imports.tables.ts';
import type { TableHeader } from './readers/index.ts';
import { classifyRow } from './row-classification.ts';
import { adjustRow } from './row-fixes.ts';
import { validateRow } from './row-validation.ts';
import { planStage } from './stage-plan.ts';

/**
 * PATCH …/rows/{row} (CONTRACT §9): edits the staged row, never the stored file. The edit is
 * kept in import_row_edits (logged), so a later re-validation or a rebuilt staging table applies
 * it again; the row is checked at once and the import's counts follow.
 */
export async function editImportRow(ctx: AppContext, actor: ImportActor, importId: string, rowNumber: number, given: Record<string, string>) {
  const record = await getImport(ctx, actor.appId, importId);
  if (record.file_deleted_at) throw new AppError(410, 'rows_expired', 'The rows of this import have passed their retention period');
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
    const adjusted = adjustRow(edited, plan.plan, plan.fixes);
    const fields = adjusted.fields as string[];
    const { values, errors } = validateRow(fields, plan.plan);
    if (errors.length === 0) {
      const earlier = await trx
        .selectFrom('import_rows')
        .select(['row', 'line'])
        .where('import_id', '=', importId)
        .where('vendor_data', '=', values.vendor_data)
        .where('row', '<', rowNumber)
        .orderBy('row')
        .executeTakeFirst();
      if (earlier) errors.push({ column: 'vendor_data', code: 'duplicate_vendor_data', message: `vendor_data "${values.vendor_data!.slice(0, 60)}" already appears on line ${earlier.line} (row ${earlier.row}); the first occurrence wins` });
    }
    let action: RowAction = 'skip';
    if (errors.length === 0) {
      const existing = await findExistingUsers(ctx.database.pool, actor.appId, [values.vendor_data!]);
      action = classifyRow(existing.get(values.vendor_data!), values);
    }
    const fixes = adjusted.pending.length > 0 ? adjusted.pending : null;
    await trx
      .updateTable('import_rows')
      .set({
        cells: encodeCells(fields),
        vendor_data: values.vendor_data,
        display_name: values.display_name,
        full_name: values.full_name,
        email: values.email,
        phone: values.phone,
        country: values.country,
        status: values.status,
        tags: values.tags,
        metadata: values.metadata === null ? null : JSON.stringify(values.metadata),
        errors: errors.length > 0 ? JSON.stringify(errors) : null,
        action,
        fixes: fixes ? JSON.stringify(fixes) : null,
      })
      .where('import_id', '=', importId)
      .where('row', '=', rowNumber)
      .execute();
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
      errors: errors as RowError[],
      ...(fixes ? { fixes } : {}),
    };
  });
}

/** The preview's counts again from the staged rows (one edit can move a row between any of them). */
async function recountPreview(trx: Transaction<Database>, importId: string): Promise<void> {
  await sql`
      UPDATE imports i SET
        valid_rows = c.valid, invalid_rows = c.invalid, to_create = c.creates, to_update = c.updates, preview_unchanged = c.unchanged,
        fix_counts = coalesce((SELECT jsonb_object_agg(code, rows) FROM (
            SELECT f->>'code' AS code, count(DISTINCT r.row)::int AS rows
              FROM import_rows r, jsonb_array_elements(r.fixes) f
             WHERE r.import_id = ${importId} AND r.fixes IS NOT NULL GROUP BY 1) k), '{}'::jsonb)
        FROM (SELECT count(*) FILTER (WHERE action <> 'skip')::int AS valid, count(*) FILTER (WHERE action = 'skip')::int AS invalid,
                     count(*) FILTER (WHERE action = 'create')::int AS creates, count(*) FILTER (WHERE action = 'update')::int AS updates,
                     count(*) FILTER (WHERE action = 'unchanged')::int AS unchanged
                FROM import_rows WHERE import_id = ${importId}) c
       WHERE i.id = ${importId}`.execute(trx);
}
