import type { ImportWarning } from '../imports.tables.ts';

/**
 * Bounds on what the preview API hands back, whatever the file (issue #9, finding 3): a 1 MB header of
 * commas made 500,000 warnings (56 MB per GET of the import), and one row of 2.5 M fields a 49 MB page.
 */

/** Warnings of one code past this many become one warning with a count (an export's 12 read-only columns stay named). */
export const WARNINGS_SHOWN_PER_CODE = 20;
/** Characters of one cell a preview row shows; longer cells are cut and the row says `truncated`. */
export const PREVIEW_CELL_CHARS = 1_000;
/** Characters of cell text one page of preview rows carries; past it the page ends early (fewer rows than asked). */
export const PREVIEW_PAGE_CHARS = 2_000_000;

/** Repeated warnings of one code collapse into the first, with `count` saying how many there were. */
export function collapseWarnings(warnings: readonly ImportWarning[]): (ImportWarning & { count?: number })[] {
  const byCode = new Map<string, ImportWarning[]>();
  for (const warning of warnings) {
    const group = byCode.get(warning.code);
    if (group) group.push(warning);
    else byCode.set(warning.code, [warning]);
  }
  return [...byCode.values()].flatMap((group) => {
    if (group.length <= WARNINGS_SHOWN_PER_CODE) return group;
    const [first] = group;
    return [{ ...first, message: `${first.message} (${group.length - 1} more warning${group.length === 2 ? '' : 's'} like this one)`, count: group.length }];
  });
}

/** Cuts each cell to PREVIEW_CELL_CHARS and the page to PREVIEW_PAGE_CHARS; marks the rows that were cut. */
export function boundPreviewPage<T extends { values: Record<string, string> }>(rows: readonly T[]): (T & { truncated?: true })[] {
  const bounded: (T & { truncated?: true })[] = [];
  let pageChars = 0;
  for (const row of rows) {
    let rowChars = 0;
    let truncated = false;
    const values: Record<string, string> = {};
    for (const [name, cell] of Object.entries(row.values)) {
      const shown = cell.length > PREVIEW_CELL_CHARS ? cell.slice(0, PREVIEW_CELL_CHARS) : cell;
      if (shown !== cell) truncated = true;
      values[name] = shown;
      rowChars += shown.length + name.length;
    }
    // The first row always comes (it is bounded by the cell and column caps); later ones only within the budget.
    if (bounded.length > 0 && pageChars + rowChars > PREVIEW_PAGE_CHARS) break;
    pageChars += rowChars;
    bounded.push(truncated ? { ...row, values, truncated: true } : { ...row, values });
  }
  return bounded;
}
