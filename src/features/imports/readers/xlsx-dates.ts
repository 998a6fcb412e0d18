import { attribute, eachTag } from './xlsx-xml.ts';

/**
 * Excel stores a date as a number (days since 1899-12-30) with a date format on the cell's style.
 * The reader turns such cells into ISO dates (docs/imports.md, "Types and dates"): 45809 in a
 * date-formatted cell is 2025-06-01, not "45809". Styles are in xl/styles.xml: `cellXfs` lists each
 * style's numFmtId; ids 14–22 and 45–47 are Excel's built-in date and time formats, and a custom
 * format (`numFmts`) is a date when its code has day, month or year letters outside quotes and brackets.
 */
const builtInDateFormats = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

/** The style indexes (the `s` attribute of a cell) whose format is a date or time. */
export function dateStyles(stylesXml: string): Set<number> {
  const customDates = new Set<number>();
  const styles = new Set<number>();
  let inCellXfs = false;
  let xfIndex = 0;
  for (const tag of eachTag(stylesXml)) {
    if (tag.name === 'numFmt') {
      const id = Number(attribute(tag.text, 'numFmtId'));
      const code = attribute(tag.text, 'formatCode') ?? '';
      if (isDateFormatCode(code)) customDates.add(id);
    } else if (tag.name === 'cellXfs') {
      inCellXfs = !tag.selfClosing;
    } else if (tag.name === '/cellXfs') {
      inCellXfs = false;
    } else if (inCellXfs && tag.name === 'xf') {
      const id = Number(attribute(tag.text, 'numFmtId') ?? '0');
      if (builtInDateFormats.has(id) || customDates.has(id)) styles.add(xfIndex);
      xfIndex++;
    }
  }
  return styles;
}

// Excel's own limit on a number format's code; a longer one is no workbook's (and the patterns below
// would rescan it once per unclosed bracket: no pattern runs over unbounded untrusted text, issue #19).
const MAX_FORMAT_CODE_CHARS = 255;

function isDateFormatCode(code: string): boolean {
  if (code.length > MAX_FORMAT_CODE_CHARS) return false;
  const bare = code
    .replace(/&quot;/g, '"')
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}
