import type { AppContext } from '../../../context.ts';
import { transition } from '../../../platform/operations/index.ts';
import { importOperation } from '../import-operation.ts';
import type { ImportRecord } from '../imports.repository.ts';
import type { NeedsMapping } from '../staging/stage-plan.ts';

/** No header maps to vendor_data: the import waits in needs_mapping with its columns (docs/vendor-migration.md#mapping-api), and keeps no staged rows. */
export async function markNeedsMapping(ctx: AppContext, record: ImportRecord, waiting: NeedsMapping): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const moved = await transition(trx, importOperation, { id: record.id }, {
      to: 'needs_mapping',
      from: ['validating'],
      set: {
        format: waiting.header.format,
        encoding: waiting.header.encoding,
        delimiter: waiting.header.delimiter,
        columns: waiting.header.columns,
        column_map: JSON.stringify(waiting.columns),
        warnings: JSON.stringify(waiting.warnings),
        fix_counts: JSON.stringify({}),
        total_rows: 0,
        valid_rows: 0,
        invalid_rows: 0,
        to_create: 0,
        to_update: 0,
        preview_unchanged: 0,
        validated_at: new Date(),
      },
    });
    if (!moved) return;
    await trx.deleteFrom('import_rows').where('import_id', '=', record.id).execute();
  });
}
