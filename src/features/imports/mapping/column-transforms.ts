import { z } from 'zod';
import { safeString } from '../../../platform/validation/safe-text.ts';
import { headerKey, type MappingInput, mappingTargetProblem } from './column-mapping.ts';

/**
 * Value mappings and column combines (docs/vendor-migration.md#value-mapping-and-combines): what a
 * migration would otherwise fix by hand in every file. A value mapping rewrites a column's cells
 * (`pending` → `FLAGGED`) before the row is checked; a combine joins several columns into one field
 * (`First name` + `Last name` → `full_name`). Both are kept on the import (`imports.transforms`) and
 * remembered for the application beside the mapping (`import_mappings.transforms`), by header key.
 */
export interface ColumnCombine {
  /** Source headers, in the order they are joined. */
  sources: string[];
  /** A field or `metadata.KEY`, as a mapping target. */
  field: string;
  /** Put between the non-empty parts; default one space. */
  separator: string;
}

export interface ImportTransforms {
  /** Source header → {cell value → value to import}. */
  values?: Record<string, Record<string, string>>;
  combines?: ColumnCombine[];
}

const header = safeString({ max: 1000, controls: 'any' });
const cell = safeString({ max: 1000, controls: 'any' });

export const transformFields = {
  values: z
    .record(header, z.record(cell, cell).refine((map) => Object.keys(map).length <= 1000, 'at most 1,000 values per column'))
    .refine((columns) => Object.keys(columns).length <= 200, 'value mappings for at most 200 columns')
    .optional()
    .describe('{"Source header": {"pending": "FLAGGED"}}: cells holding a listed value (after trimming; then ignoring case) are imported as the mapped value'),
  combines: z
    .array(
      z.object({
        sources: z.array(header).min(2, 'a combine joins at least 2 columns').max(10, 'a combine joins at most 10 columns'),
        field: safeString({ max: 200 }),
        separator: safeString({ max: 10, controls: 'any' }).default(' '),
      }),
    )
    .max(20, 'at most 20 combines')
    .optional()
    .describe('[{"sources": ["First name", "Last name"], "field": "full_name", "separator": " "}]: the non-empty parts joined fill the field'),
};

/** What is wrong with these transforms for a file with `columns`, in words (empty: nothing). */
export function transformProblems(transforms: ImportTransforms, columns: readonly string[]): string[] {
  const problems: string[] = [];
  const known = new Set(columns);
  for (const source of Object.keys(transforms.values ?? {})) if (!known.has(source)) problems.push(`values: the file has no column "${source}"`);
  const combined = new Set<string>();
  for (const combine of transforms.combines ?? []) {
    const problem = mappingTargetProblem(combine.field);
    if (problem) problems.push(`combines: ${problem}`);
    for (const source of combine.sources) {
      if (!known.has(source)) problems.push(`combines: the file has no column "${source}"`);
      else if (combined.has(source)) problems.push(`combines: "${source}" is in two combines (or twice in one)`);
      combined.add(source);
    }
  }
  return problems;
}

/** The mapping a combine implies: its first source fills the field (holding the joined value), the others are left out. */
export function combineMapping(combines: readonly ColumnCombine[] | undefined): MappingInput {
  const mapping: MappingInput = {};
  for (const combine of combines ?? []) {
    combine.sources.forEach((source, index) => {
      mapping[source] = index === 0 ? combine.field : null;
    });
  }
  return mapping;
}

/**
 * The application's remembered transforms that fit a file's headers, under the import's own: a
 * value mapping follows its header key, a combine applies when every one of its sources is there.
 */
export function fitTransforms(remembered: readonly ImportTransforms[], own: ImportTransforms, headers: readonly string[]): ImportTransforms {
  const byKey = new Map(headers.map((source) => [headerKey(source), source]));
  const values: Record<string, Record<string, string>> = {};
  const combines: ColumnCombine[] = [];
  const taken = new Set<string>();
  const addCombine = (combine: ColumnCombine) => {
    const sources = combine.sources.map((source) => byKey.get(headerKey(source)));
    if (sources.some((source) => source === undefined || taken.has(source))) return;
    for (const source of sources) taken.add(source!);
    combines.push({ ...combine, sources: sources as string[] });
  };
  for (const combine of own.combines ?? []) addCombine(combine);
  for (const [source, map] of Object.entries(own.values ?? {})) values[source] = { ...map };
  // Newest first: the first remembered mapping of a header key wins over older ones.
  for (const earlier of remembered) {
    for (const [source, map] of Object.entries(earlier.values ?? {})) {
      const here = byKey.get(headerKey(source));
      if (here !== undefined) values[here] = { ...map, ...values[here] };
    }
    for (const combine of earlier.combines ?? []) addCombine(combine);
  }
  return { ...(Object.keys(values).length > 0 ? { values } : {}), ...(combines.length > 0 ? { combines } : {}) };
}

/**
 * Applies value mappings, then combines, to one record's cells in place (by the file's header
 * positions). A cell rewritten is text from then on: a JSON file's typed value it held is not kept.
 */
export function cellTransformer(transforms: ImportTransforms, headers: readonly string[]): ((record: { fields: string[]; typed?: number[] }) => void) | null {
  const position = new Map(headers.map((source, index) => [source, index]));
  const valueMaps = Object.entries(transforms.values ?? {}).flatMap(([source, map]) => {
    const index = position.get(source);
    if (index === undefined) return [];
    const folded = new Map(Object.entries(map).map(([from, to]) => [from.trim().toLowerCase(), to]));
    const exact = new Map(Object.entries(map).map(([from, to]) => [from.trim(), to]));
    return [{ index, exact, folded }];
  });
  const combines = (transforms.combines ?? []).flatMap((combine) => {
    const indexes = combine.sources.map((source) => position.get(source));
    return indexes.every((index) => index !== undefined) ? [{ indexes: indexes as number[], separator: combine.separator }] : [];
  });
  if (valueMaps.length === 0 && combines.length === 0) return null;
  return (record) => {
    const fields = record.fields;
    const rewritten: number[] = [];
    for (const { index, exact, folded } of valueMaps) {
      if (index >= fields.length) continue;
      const value = fields[index]!.trim();
      const mapped = exact.get(value) ?? folded.get(value.toLowerCase());
      if (mapped !== undefined) {
        fields[index] = mapped;
        rewritten.push(index);
      }
    }
    for (const { indexes, separator } of combines) {
      const parts = indexes.map((index) => (index < fields.length ? fields[index]!.trim() : '')).filter((part) => part !== '');
      if (indexes[0]! < fields.length) {
        fields[indexes[0]!] = parts.join(separator);
        rewritten.push(indexes[0]!);
      }
    }
    if (record.typed && rewritten.length > 0) record.typed = record.typed.filter((index) => !rewritten.includes(index));
  };
}
