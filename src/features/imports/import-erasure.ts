import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { type ErasableText, likePatterns, type Needles } from '../../platform/erasure/erase-values.ts';
import { auditImport } from './import-audit.ts';
import { markFileDeleted } from './imports.repository.ts';

/**
 * The imports feature's part of an erasure (docs/privacy.md#erasure): the person's staged rows (valid or
 * rejected) and their cell edits are deleted from every preview of the application, and the stored files
 * that held them are deleted (not rewritten: an xlsx or UTF-16 file cannot be rewritten row by row
 * safely), each audited `import.file_deleted` with the erasure's id.
 */

/** Deletes the staged rows naming the person (by vendor_data, or any cell holding their email, phone or name). */
export async function eraseStagedRows(ctx: AppContext, appId: string, person: { vendorData: string; needles: Needles }): Promise<{ rows: number; edits: number; importIds: string[] }> {
  const patterns = likePatterns(person.needles);
  const { rows } = await sql<{ import_id: string; row: number }>`
    DELETE FROM import_rows r USING imports i
     WHERE i.app_id = ${appId}::uuid AND r.import_id = i.id
       AND (r.vendor_data = ${person.vendorData} OR (cardinality(${patterns}::text[]) > 0 AND r.cells ILIKE ANY(${patterns}::text[])))
    RETURNING r.import_id, r.row`.execute(ctx.db);
  const edits = await sql`
    DELETE FROM import_row_edits e USING imports i
     WHERE i.app_id = ${appId}::uuid AND e.import_id = i.id
       AND ((e.import_id, e.row) IN (SELECT * FROM unnest(${rows.map((row) => row.import_id)}::uuid[], ${rows.map((row) => row.row)}::int[]))
            OR (cardinality(${patterns}::text[]) > 0 AND e.cells::text ILIKE ANY(${patterns}::text[])))`.execute(ctx.db);
  return { rows: rows.length, edits: Number(edits.numAffectedRows ?? 0), importIds: [...new Set(rows.map((row) => row.import_id))] };
}

/**
 * Of these imports of the application, deletes each stored file not deleted yet (an import still being
 * read keeps its file: the erasure waits for it). Answers the imports whose file went.
 */
export async function deleteImportFilesForErasure(ctx: AppContext, appId: string, importIds: readonly string[], erasure: { id: string; orgId: string }): Promise<string[]> {
  if (importIds.length === 0) return [];
  const imports = await ctx.db
    .selectFrom('imports')
    .select(['id', 'storage_key', 'file_bytes', 'created_by'])
    .where('app_id', '=', appId)
    .where('id', 'in', [...importIds])
    .where('file_deleted_at', 'is', null)
    .execute();
  const deleted: string[] = [];
  for (const record of imports) {
    // File first, then the mark: a crash in between only repeats an idempotent delete.
    await ctx.storage.delete(record.storage_key);
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await markFileDeleted(trx, record.id))) return;
      const details = { reason: 'erasure: the file held an erased person', erasure_id: erasure.id, bytes: record.file_bytes };
      await auditImport(trx, { orgId: erasure.orgId, appId, importId: record.id, action: 'import.file_deleted', actor: 'system', operatorId: record.created_by, details });
    });
    deleted.push(record.id);
  }
  return deleted;
}

/** The imports feature's free-text columns that may name a person (a file name, a reason, an error). */
export const importsErasableText: ErasableText[] = [
  { table: 'imports', key: ['id'], columns: ['file_name', 'status_reason', 'error', 'warnings', 'column_map'], appScope: { column: 'app_id' } },
];
