import { z } from 'zod';

/**
 * ISO 8601 dates and instants as every filter and query parameter accepts them. JavaScript's Date
 * rolls 2026-02-30 over to 2 March and reaches years PostgreSQL or our own cursors cannot read back
 * (0000, 10000 after a -14:00 shift, -271821), so the calendar is checked here by hand: a real date,
 * a real time, and years 0001–9999 once the time-zone offset is applied. A time without a zone is UTC.
 */

const pattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant `text` names, or null when it is not a real ISO 8601 date or date-time within years 0001–9999. */
export function parseInstant(text: string): Date | null {
  const match = pattern.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2)), offsetMins = Number(digits.slice(2) || '0');
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const utcYear = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || utcYear < MIN_YEAR || utcYear > MAX_YEAR) return null;
  return date;
}

export const instantMessage = 'must be an ISO 8601 date or date-time between years 0001 and 9999, e.g. 2026-01-31 or 2026-01-31T12:00:00Z';

/** A query or body field holding an instant; the string is handed on as given (parse it with parseInstant). */
export const instantString = z
  .string()
  .trim()
  .max(64, instantMessage)
  .refine((value) => parseInstant(value) !== null, { message: instantMessage });

/** Whether a Date read back from anywhere (a cursor, a stored value) lies within years 0001–9999. */
export function isWithinCalendar(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= MIN_YEAR && year <= MAX_YEAR;
}
