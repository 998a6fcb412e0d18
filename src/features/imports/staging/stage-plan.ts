import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { type ColumnMapping, mapColumns, type MappedColumns, mapsVendorData } from '../mapping/column-mapping.ts';
import { applyEdits, type ImportAdjustments, loadImportAdjustments, savedMappingFor } from '../mapping/import-adjustments.repository.ts';
import type { ImportWarning } from '../imports.tables.ts';
import { presetOf } from '../mapping/presets.ts';
import { cellTransformer, combineMapping, fitTransforms, type ImportTransforms } from '../mapping/column-transforms.ts';
import type { TableHeader, TableReadOptions, TableRecord } from '../readers/index.ts';
import type { FixSettings } from '../mapping/row-fixes.ts';

/**
 * How staging turns a file's table into checked rows (docs/vendor-migration.md): the mapping (manual, saved or
 * a preset's, else automatic), the preset's cell conversions, cell edits and fix settings. The
 * validate job calls this for every (re)build of import_rows, so nothing decided is ever lost.
 */
export interface StagePlan extends MappedColumns {
  fixes: FixSettings;
  /** Applies cell edits and the preset's conversions to a record, in place. */
  prepare(record: TableRecord): void;
  /** False when `prepare` changes nothing (no edits, no conversions): records can go to validation as the reader encoded them. */
  changesRecords: boolean;
}

/** The file's headers map no column to vendor_data: the import waits for a mapping instead of failing. */
export class NeedsMapping extends Error {
  constructor(readonly header: TableHeader, readonly columns: ColumnMapping[], readonly warnings: ImportWarning[]) {
    super('no column maps to vendor_data');
  }
}

export async function loadStageSettings(db: Kysely<Database>, importId: string): Promise<{ adjustments: ImportAdjustments; read: TableReadOptions }> {
  const adjustments = await loadImportAdjustments(db, importId);
  const preset = presetOf(adjustments.preset);
  return { adjustments, read: preset?.flatten ? { flatten: preset.flatten } : {} };
}

export async function planStage(db: Kysely<Database>, appId: string, header: TableHeader, adjustments: ImportAdjustments): Promise<StagePlan> {
  const preset = presetOf(adjustments.preset);
  const saved = await savedMappingFor(db, appId, header.columns, adjustments.preset);
  // Value mappings and combines (given, else remembered by header key); a combine's sources map as it says.
  const fitted = fitTransforms(adjustments.rememberedTransforms, adjustments.transforms, header.columns);
  const mapped = mapColumns(header.columns, { manual: { ...adjustments.manual, ...combineMapping(fitted.combines) }, saved });
  mapped.columns = describeTransforms(mapped.columns, fitted);
  const transform = cellTransformer(fitted, header.columns);
  if (preset && preset.format !== header.format) {
    mapped.warnings.push({ code: 'preset_format_mismatch', message: `${preset.label} expects a ${preset.format} file; this one is ${header.format}. Check the mapping.` });
  }
  const transforms = preset?.cellTransforms
    ? Object.entries(preset.cellTransforms).flatMap(([column, transform]) => {
        const index = header.columns.indexOf(column);
        return index < 0 ? [] : [[index, transform] as const];
      })
    : [];
  const edits = adjustments.edits;
  return {
    ...mapped,
    fixes: { accepted: adjustments.accepted, defaultRegion: adjustments.defaultRegion, headers: header.columns },
    changesRecords: transforms.length > 0 || edits.size > 0,
    prepare(record) {
      if (record.problem) return;
      for (const [index, transform] of transforms) if (index < record.fields.length) record.fields[index] = transform(record.fields[index]!);
      transform?.(record);
      const edit = edits.get(record.row);
      if (edit) record.fields = applyEdits(record.fields, edit, header.columns);
    },
  };
}

/** Each column with the value mapping and combine that apply to it, for the import's `columns`. */
function describeTransforms(columns: ColumnMapping[], transforms: ImportTransforms): ColumnMapping[] {
  return columns.map((column) => {
    const values = transforms.values?.[column.source];
    const combine = transforms.combines?.find((candidate) => candidate.sources[0] === column.source);
    return { ...column, ...(values ? { values } : {}), ...(combine ? { combine: { sources: combine.sources, separator: combine.separator } } : {}) };
  });
}

export function requireVendorData(header: TableHeader, plan: StagePlan): void {
  if (!mapsVendorData(plan.columns)) throw new NeedsMapping(header, plan.columns, plan.warnings);
}

/** The first few distinct values of each column, for the mapping step. */
export class SampleCollector {
  private readonly samples: string[][];
  private rows = 0;

  constructor(width: number, private readonly perColumn = 3, private readonly maxRows = 200) {
    this.samples = Array.from({ length: width }, () => []);
  }

  get full(): boolean {
    return this.rows >= this.maxRows || this.samples.every((values) => values.length >= this.perColumn);
  }

  add(record: TableRecord): void {
    if (this.rows >= this.maxRows || record.problem) return;
    this.rows++;
    record.fields.forEach((cell, index) => {
      const values = this.samples[index];
      if (!values || values.length >= this.perColumn) return;
      const value = cell.trim();
      if (value !== '' && !values.includes(value)) values.push(value.length > 80 ? `${value.slice(0, 80)}…` : value);
    });
  }

  attach(columns: ColumnMapping[]): ColumnMapping[] {
    return columns.map((column, index) => ({ ...column, samples: this.samples[index] ?? [] }));
  }
}

/**
 * Everything people decided about an import (mapping, preset, accepted fixes, cell edits), ready to
 * apply: for any code that builds import_rows from the stored file again (after a crash empties the
 * unlogged table). Read the file with `readOptions`, plan the header with `plan`, then for each record
 * call `prepare(record)` and check its batch with `fixes` (RowBatch.fixes), as validate-import.job does.
 */
export async function importDecisions(db: Kysely<Database>, appId: string, importId: string) {
  const settings = await loadStageSettings(db, importId);
  return { readOptions: settings.read, plan: (header: TableHeader) => planStage(db, appId, header, settings.adjustments) };
}
