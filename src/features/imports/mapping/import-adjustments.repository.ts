import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { headerKey, headerSignature, type MappingInput } from './column-mapping.ts';
import type { ImportTransforms } from './column-transforms.ts';
import { presetOf } from './presets.ts';
import { type FixCode, isFixCode } from './row-fixes.ts';
import { writeOptionColumns, type WriteOptions } from '../write-options.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * What people decided about an import (docs/vendor-migration.md#mapping-api), all in logged tables: the mapping given for
 * it, the mapping its application remembers for these headers, the kinds of fix accepted and the
 * cells edited. Staging reads them every time it builds import_rows from the stored file, so a
 * staging table rebuilt after a crash (unlogged tables are emptied) gets every decision back.
 */
export interface ImportAdjustments {
  manual: MappingInput;
  accepted: FixCode[];
  /** Row number → {"Source header": value}. */
  edits: Map<number, Record<string, string>>;
  defaultRegion: string | null;
  preset: string | null;
  /** Value mappings and combines given for this import. */
  transforms: ImportTransforms;
  /** The application's remembered ones, newest first (fitted to the file's headers by the stage plan). */
  rememberedTransforms: ImportTransforms[];
}

export async function loadImportAdjustments(db: Db, importId: string): Promise<ImportAdjustments> {
  const [record, accepted, edits] = await Promise.all([
    db.selectFrom('imports').select(['app_id', 'mapping', 'default_region', 'preset', 'transforms']).where('id', '=', importId).executeTakeFirstOrThrow(),
    db.selectFrom('import_fix_acceptances').select('code').where('import_id', '=', importId).execute(),
    db.selectFrom('import_row_edits').select(['row', 'cells']).where('import_id', '=', importId).execute(),
  ]);
  // Fix kinds accepted on any earlier file of the application apply to this one too (docs/vendor-migration.md).
  const remembered = await db.selectFrom('import_mappings').select(['accepted_fixes', 'transforms']).where('app_id', '=', record.app_id).orderBy('updated_at', 'desc').execute();
  const codes = new Set([...accepted.map((row) => row.code), ...remembered.flatMap((row) => row.accepted_fixes)]);
  return {
    manual: record.mapping ?? {},
    accepted: [...codes].filter(isFixCode),
    edits: new Map(edits.map((edit) => [edit.row, edit.cells])),
    defaultRegion: record.default_region,
    preset: record.preset,
    transforms: record.transforms ?? {},
    rememberedTransforms: remembered.map((row) => row.transforms ?? {}),
  };
}

/** The mapping to start from for these headers: a preset's, else what the application remembers. */
export async function savedMappingFor(db: Db, appId: string, headers: readonly string[], preset: string | null): Promise<MappingInput | undefined> {
  const fromPreset = presetOf(preset)?.mapping;
  const remembered = await rememberedColumns(db, appId, headers);
  if (!fromPreset) return remembered;
  return { ...fromPreset, ...remembered };
}

/**
 * Column by column: each of the file's headers takes the field the application last gave a header
 * of the same key (case, spaces, `-`, `_` ignored), whatever the other headers of that file were, so a
 * mapping still applies to a file with one more or one fewer column. The mapping saved for exactly
 * these headers wins over older ones.
 */
async function rememberedColumns(db: Db, appId: string, headers: readonly string[]): Promise<MappingInput | undefined> {
  const signature = headerSignature(headers);
  const rows = await db.selectFrom('import_mappings').select(['header_key', 'mapping']).where('app_id', '=', appId).orderBy('updated_at', 'desc').execute();
  rows.sort((a, b) => Number(b.header_key === signature) - Number(a.header_key === signature));
  const byKey = new Map<string, string | null>();
  for (const row of rows) for (const [source, field] of Object.entries(row.mapping)) if (!byKey.has(headerKey(source))) byKey.set(headerKey(source), field);
  const mapping: MappingInput = {};
  for (const header of headers) if (byKey.has(headerKey(header))) mapping[header] = byKey.get(headerKey(header)) ?? null;
  return Object.keys(mapping).length > 0 ? mapping : undefined;
}

/** Remembers accepted fix kinds for the application, filed with the mapping of these headers. */
export async function rememberFixKinds(db: Db, appId: string, headers: readonly string[], codes: readonly FixCode[], operatorId: string): Promise<void> {
  if (codes.length === 0) return;
  await db
    .insertInto('import_mappings')
    .values({ app_id: appId, header_key: headerSignature(headers), mapping: JSON.stringify({}), saved_by: operatorId, accepted_fixes: [...codes] })
    .onConflict((oc) =>
      oc.columns(['app_id', 'header_key']).doUpdateSet({
        accepted_fixes: sql<string[]>`ARRAY(SELECT DISTINCT unnest(import_mappings.accepted_fixes || excluded.accepted_fixes))`,
        updated_at: new Date(),
      }),
    )
    .execute();
}

/** Remembers the mapping of these headers, with its value mappings and combines, for the application's next files. */
export async function rememberMapping(db: Db, appId: string, headers: readonly string[], mapping: MappingInput, operatorId: string, transforms: ImportTransforms = {}): Promise<void> {
  await db
    .insertInto('import_mappings')
    .values({ app_id: appId, header_key: headerSignature(headers), mapping: JSON.stringify(mapping), saved_by: operatorId, transforms: JSON.stringify(transforms) })
    .onConflict((oc) => oc.columns(['app_id', 'header_key']).doUpdateSet({ mapping: JSON.stringify(mapping), transforms: JSON.stringify(transforms), saved_by: operatorId, updated_at: new Date() }))
    .execute();
}

export async function acceptFixKinds(db: Db, importId: string, codes: readonly FixCode[], operatorId: string): Promise<void> {
  if (codes.length === 0) return;
  await db
    .insertInto('import_fix_acceptances')
    .values(codes.map((code) => ({ import_id: importId, code, accepted_by: operatorId })))
    .onConflict((oc) => oc.columns(['import_id', 'code']).doNothing())
    .execute();
}

/** Merges cell edits into the row's earlier ones; returns all of them. */
export async function recordRowEdit(db: Db, importId: string, row: number, cells: Record<string, string>, operatorId: string): Promise<Record<string, string>> {
  const earlier = await db.selectFrom('import_row_edits').select('cells').where('import_id', '=', importId).where('row', '=', row).executeTakeFirst();
  const merged = { ...earlier?.cells, ...cells };
  await db
    .insertInto('import_row_edits')
    .values({ import_id: importId, row, cells: JSON.stringify(merged), edited_by: operatorId })
    .onConflict((oc) => oc.columns(['import_id', 'row']).doUpdateSet({ cells: JSON.stringify(merged), edited_by: operatorId, edited_at: new Date() }))
    .execute();
  return merged;
}

/** Applies a row's edits to its cells (by header); a short row is padded so the edited cell exists. */
export function applyEdits(fields: readonly string[], edits: Record<string, string>, headers: readonly string[]): string[] {
  const out = fields.slice();
  for (const [header, value] of Object.entries(edits)) {
    const index = headers.indexOf(header);
    if (index < 0) continue;
    while (out.length <= index) out.push('');
    out[index] = value;
  }
  return out;
}

export interface UploadSettings {
  defaultRegion?: string;
  preset?: string;
  /** tags_mode, metadata_mode, invalid_cells (write-options.ts). */
  writeOptions?: WriteOptions;
}

/** Called in the upload's transaction: the settings chosen with the file, and a preset's fixes accepted up front. */
export async function recordUploadSettings(trx: Transaction<Database>, importId: string, settings: UploadSettings, operatorId: string): Promise<void> {
  const options = writeOptionColumns(settings.writeOptions ?? {});
  if (Object.keys(options).length > 0) await trx.updateTable('imports').set(options).where('id', '=', importId).execute();
  if (!settings.defaultRegion && !settings.preset) return;
  await trx
    .updateTable('imports')
    .set({ default_region: settings.defaultRegion ?? null, preset: settings.preset ?? null })
    .where('id', '=', importId)
    .execute();
  const preset = presetOf(settings.preset);
  if (preset) await acceptFixKinds(trx, importId, preset.acceptFixes, operatorId);
}

