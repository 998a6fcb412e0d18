import type { Transaction } from 'kysely';
import { transition } from '../../../platform/operations/index.ts';
import { importOperation } from '../import-operation.ts';
import type { AuditAction } from '../../../shared/audit-actions.ts';
import type { AppContext } from '../../../context.ts';
import type { Database } from '../../../db/schema.ts';
import { conflict, invalid, notFound } from '../../../http/errors.ts';
import { recordAudit } from '../../audit/audit-writer.public.ts';
import { type MappingInput, mappingTargetProblem } from './column-mapping.ts';
import { combineMapping, type ImportTransforms, transformProblems } from './column-transforms.ts';
import { acceptFixKinds, rememberFixKinds, rememberMapping } from './import-adjustments.repository.ts';
import { getImport, type ImportActor } from '../imports.service.ts';
import { lockImport } from '../imports.repository.ts';
import { toImportView, type ImportView } from '../imports.schemas.ts';
import type { FixCode } from './row-fixes.ts';
import { validateImportJob } from '../validation/validate-import.job.ts';
import { writeOptionColumns, type WriteOptions } from '../write-options.ts';

/**
 * Mapping and fixes (docs/vendor-migration.md#mapping-api): each records the decision in a logged table, sends the import
 * back to `validating` and queues validation, which stages every row again with the decision applied.
 */

async function revalidate(
  ctx: AppContext,
  actor: ImportActor,
  importId: string,
  allowed: readonly string[],
  change: (trx: Transaction<Database>, current: NonNullable<Awaited<ReturnType<typeof lockImport>>>) => Promise<Record<string, unknown>>,
  action: AuditAction,
): Promise<ImportView> {
  await getImport(ctx, actor.appId, importId);
  await ctx.db.transaction().execute(async (trx) => {
    const current = await lockImport(trx, actor.appId, importId);
    if (!current) throw notFound('Import');
    if (!allowed.includes(current.status)) throw conflict('invalid_state', `The import is ${current.status}; this needs it ${allowed.join(' or ')}`);
    const details = await change(trx, current);
    await transition(trx, importOperation, { id: importId, appId: actor.appId }, { to: 'validating', from: [current.status], set: { validated_at: null } });
    await recordAudit(trx, {
      orgId: actor.operator.orgId,
      appId: actor.appId,
      actor: actor.operator,
      action,
      target: { type: 'import', id: importId },
      details: { file_name: current.file_name, ...details },
      ip: actor.ip,
    });
  });
  await ctx.jobs.send(validateImportJob, { importId }, { organizationId: actor.operator.orgId });
  return toImportView(await getImport(ctx, actor.appId, importId));
}

/**
 * PUT …/mapping: merged over the import's earlier mapping, value mappings (per column; `{}` drops a
 * column's) and combines (the list given replaces the earlier one), remembered for the application,
 * validated again.
 */
export async function setImportMapping(ctx: AppContext, actor: ImportActor, importId: string, mapping: MappingInput, given: ImportTransforms = {}): Promise<ImportView> {
  if (Object.keys(mapping).length === 0 && given.values === undefined && given.combines === undefined) throw invalid('invalid_mapping', 'give at least one of mapping, values, combines');
  const problems = Object.entries(mapping).flatMap(([source, field]) => (field === null ? [] : [mappingTargetProblem(field)].filter((p): p is string => p !== null).map((p) => `${source}: ${p}`)));
  if (problems.length > 0) throw invalid('invalid_mapping', problems.join('; '));
  return revalidate(ctx, actor, importId, ['ready', 'needs_mapping'], async (trx, current) => {
    const unknown = Object.keys(mapping).filter((source) => !current.columns.includes(source));
    if (unknown.length > 0) throw invalid('unknown_column', `The file has no column ${unknown.map((name) => `"${name}"`).join(', ')}; its columns are ${current.columns.map((name) => `"${name}"`).join(', ')}`);
    const transforms = mergeTransforms(current.transforms ?? {}, given);
    const transformIssues = transformProblems(transforms, current.columns);
    if (transformIssues.length > 0) throw invalid('invalid_transform', transformIssues.join('; '));
    const merged: MappingInput = { ...current.mapping, ...mapping };
    // A combine's field must be free: held by no other column, whether chosen or matched by name.
    for (const combine of transforms.combines ?? []) {
      const holder = (current.column_map ?? []).find((column) => !combine.sources.includes(column.source) && (Object.hasOwn(merged, column.source) ? merged[column.source] : column.field) === combine.field);
      if (holder) throw invalid('duplicate_mapping', `"${holder.source}" fills ${combine.field} already; map it elsewhere (or leave it out) before combining ${combine.sources.map((source) => `"${source}"`).join(' + ')} into it`);
    }
    const byField = new Map<string, string>();
    for (const [source, field] of Object.entries({ ...merged, ...combineMapping(transforms.combines) })) {
      if (field === null) continue;
      const other = byField.get(field);
      if (other !== undefined) throw invalid('duplicate_mapping', `"${other}" and "${source}" are both mapped to ${field}; a field takes one column`);
      byField.set(field, source);
    }
    await trx.updateTable('imports').set({ mapping: JSON.stringify(merged), transforms: JSON.stringify(transforms) }).where('id', '=', importId).execute();
    await rememberMapping(trx, actor.appId, current.columns, merged, actor.operator.operatorId, transforms);
    return { mapping: merged, ...transforms };
  }, 'import.mapping_changed');
}

/** POST …/fixes: the kinds accepted apply to every row once validation has run again. */
export async function acceptImportFixes(ctx: AppContext, actor: ImportActor, importId: string, codes: readonly FixCode[]): Promise<ImportView> {
  return revalidate(ctx, actor, importId, ['ready'], async (trx, current) => {
    await acceptFixKinds(trx, importId, [...new Set(codes)], actor.operator.operatorId);
    await rememberFixKinds(trx, actor.appId, current.columns, [...new Set(codes)], actor.operator.operatorId);
    const counts = current.fix_counts ?? {};
    return { accepted: codes, rows: Object.fromEntries(codes.map((code) => [code, counts[code] ?? 0])) };
  }, 'import.fixes_accepted');
}

/** PUT …/options: how the file applies to what users have (write-options.ts); the preview is made again with them. */
export async function setImportOptions(ctx: AppContext, actor: ImportActor, importId: string, options: WriteOptions): Promise<ImportView> {
  const columns = writeOptionColumns(options);
  if (Object.keys(columns).length === 0) throw invalid('invalid_options', 'give at least one of tags_mode, metadata_mode, invalid_cells');
  return revalidate(ctx, actor, importId, ['ready', 'needs_mapping'], async (trx) => {
    await trx.updateTable('imports').set(columns).where('id', '=', importId).execute();
    return { options: columns };
  }, 'import.options_changed');
}

function mergeTransforms(earlier: ImportTransforms, given: ImportTransforms): ImportTransforms {
  const values = Object.fromEntries(Object.entries({ ...earlier.values, ...given.values }).filter(([, map]) => Object.keys(map).length > 0));
  const combines = given.combines ?? earlier.combines ?? [];
  return { ...(Object.keys(values).length > 0 ? { values } : {}), ...(combines.length > 0 ? { combines } : {}) };
}
