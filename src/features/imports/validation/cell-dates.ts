/** Dates in import cells (docs/imports.md, "Types and dates"), for the xlsx reader and typed metadata. */

const DAY_MS = 86_400_000;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A date cell as ISO: ISO text is kept (an instant normalised to UTC); 13 digits are epoch
 * milliseconds and 10 digits epoch seconds (Firebase, Auth0 exports), an instant; a small number is
 * Excel's serial day (a CSV saved from Excel), a date.
 */
export function isoDate(text: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? undefined : text;
  if (/^-?\d{12,13}$/.test(text)) return instant(Number(text));
  if (/^-?\d{9,10}$/.test(text)) return instant(Number(text) * 1000);
  if (/^\d{1,5}(\.\d+)?$/.test(text)) {
    const serial = Number(text);
    if (serial < 1) return undefined;
    const iso = new Date(Math.round(serial * DAY_MS) + EXCEL_EPOCH_MS).toISOString();
    return Number.isInteger(serial) ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : instant(ms);
  }
  return undefined;
}

function instant(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An Excel serial as an ISO date (whole days) or an ISO instant in UTC (a time of day). */
export function excelSerialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
  return isoDate(String(serial));
}
