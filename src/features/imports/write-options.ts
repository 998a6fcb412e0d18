import type { ColumnType, Selectable } from 'kysely';
import { z } from 'zod';
// Not through users/index.ts: the console's type check reads this file (via imports.tables.ts) and must not pull in the server.
import { metadataModes, type MetadataMode, tagsModes, type TagsMode, type WriteModes } from '../users/index.ts';
import type { ColumnMapping } from './mapping/column-mapping.ts';

/**
 * How a file applies to what users already have (docs/imports.md, "Merge or replace"): kept on the
 * import, given at upload, changed before start (PUT …/options, validated again) or at start.
 */
export type InvalidCells = 'skip_row' | 'clear_cell';
export const invalidCellsChoices = ['skip_row', 'clear_cell'] as const satisfies readonly InvalidCells[];

/** What the forecast takes away from existing users: per key or tag, the rows that lose it. */
export interface Removals {
  metadata?: { users: number; keys: Record<string, number> };
  tags?: { users: number; tags: Record<string, number> };
}

type Json<T> = ColumnType<T, string | T | undefined, string | T>;

/** Columns of migration 2026-12-07T2035-backfill. */
export interface ImportWriteOptionColumns {
  tags_mode: TagsMode | null;
  metadata_mode: MetadataMode | null;
  invalid_cells: ColumnType<InvalidCells, InvalidCells | undefined, InvalidCells>;
  removals: Json<Removals>;
  cells_cleared: ColumnType<number, number | undefined, number>;
}

export const writeOptionFields = {
  tags_mode: z.enum(tagsModes).optional().describe('replace (default): the cell is the whole list · merge: its tags are added · remove: its tags are taken away'),
  metadata_mode: z
    .enum(metadataModes)
    .optional()
    .describe('merge: the file\'s keys overwrite those keys only (the default unless a metadata_json column is mapped) · replace: the whole object'),
  invalid_cells: z.enum(invalidCellsChoices).optional().describe('skip_row (default) · clear_cell: a row whose only errors are in optional cells is applied without them'),
};

export type WriteOptions = { tags_mode?: TagsMode; metadata_mode?: MetadataMode; invalid_cells?: InvalidCells };

/** The columns to set for the options given (an option not given is left as it is). */
export function writeOptionColumns(options: WriteOptions): WriteOptions {
  return {
    ...(options.tags_mode ? { tags_mode: options.tags_mode } : {}),
    ...(options.metadata_mode ? { metadata_mode: options.metadata_mode } : {}),
    ...(options.invalid_cells ? { invalid_cells: options.invalid_cells } : {}),
  };
}

/** A metadata_json column makes the file's metadata whole objects: replace; keys from metadata.KEY columns merge. */
export function defaultMetadataMode(columns: readonly Pick<ColumnMapping, 'field'>[] | null): MetadataMode {
  return columns?.some((column) => column.field === 'metadata_json') ? 'replace' : 'merge';
}

export function importWriteModes(record: { tags_mode: TagsMode | null; metadata_mode: MetadataMode | null }, columns: readonly Pick<ColumnMapping, 'field'>[] | null): WriteModes {
  return { tags: record.tags_mode ?? 'replace', metadata: record.metadata_mode ?? defaultMetadataMode(columns) };
}

/** The view's fields. */
export function writeOptionsView(record: Selectable<ImportWriteOptionColumns> & { column_map: ColumnMapping[] | null }) {
  const modes = importWriteModes(record, record.column_map);
  return { tags_mode: modes.tags, metadata_mode: modes.metadata, invalid_cells: record.invalid_cells, removals: record.removals ?? {}, cells_cleared: record.cells_cleared };
}

export const writeOptionsViewFields = {
  tags_mode: z.enum(tagsModes),
  metadata_mode: z.enum(metadataModes).describe('As it applies: the one given, else the default for the mapped columns'),
  invalid_cells: z.enum(invalidCellsChoices),
  removals: z
    .object({
      metadata: z.object({ users: z.number(), keys: z.record(z.string(), z.number()) }).optional(),
      tags: z.object({ users: z.number(), tags: z.record(z.string(), z.number()) }).optional(),
    })
    .describe('What the forecast takes away from existing users (a replace): users affected, and rows per key or tag'),
  cells_cleared: z.number().describe('Rows applied without some of their cells (invalid_cells = clear_cell)'),
};

/** "removes 3 metadata keys (notes, first_name, last_name) from 10,000 users": the preview's warning above Start. */
export function removalWarnings(removals: Removals): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = [];
  const describe = (names: string[], one: string, many: string, users: number) =>
    `This import removes ${names.length} ${names.length === 1 ? one : many} (${listNames(names)}) from ${users.toLocaleString('en-US')} user${users === 1 ? '' : 's'}.`;
  if (removals.metadata && removals.metadata.users > 0) {
    out.push({ code: 'removes_metadata_keys', message: `${describe(Object.keys(removals.metadata.keys).sort(), 'metadata key', 'metadata keys', removals.metadata.users)} Choose metadata_mode merge to keep them.` });
  }
  if (removals.tags && removals.tags.users > 0) {
    out.push({ code: 'removes_tags', message: `${describe(Object.keys(removals.tags.tags).sort(), 'tag', 'tags', removals.tags.users)} Choose tags_mode merge to add tags instead.` });
  }
  return out;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown}, and ${names.length - 5} more` : shown;
}
