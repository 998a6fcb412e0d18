import { Cron } from 'croner';
import { invalid } from '../../http/errors.ts';

/**
 * A schedule's timing: five-field cron (minute hour day-of-month month day-of-week) read in an IANA
 * time zone, so "0 6 * * 1-5" means 06:00 on weekdays in Berlin across daylight-saving changes
 * (docs/export-schedules.md).
 */

/** Checks a cron expression and a time zone; throws 422 `invalid_cron` / `invalid_timezone`. */
export function checkSchedule(cron: string, timezone: string): void {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw invalid('invalid_cron', `cron must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}: "${cron}"`);
  if (!isTimeZone(timezone)) throw invalid('invalid_timezone', `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)`);
  try {
    new Cron(cron, { timezone, paused: true }).nextRun();
  } catch (error) {
    throw invalid('invalid_cron', `cron "${cron}": ${(error as Error).message.replace(/^CronPattern: /, '')}`);
  }
}

function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The next `count` runs strictly after `after`. */
export function nextRuns(cron: string, timezone: string, count: number, after = new Date()): Date[] {
  return new Cron(cron.trim(), { timezone, paused: true }).nextRuns(count, after);
}

export function nextRun(cron: string, timezone: string, after = new Date()): Date {
  const [next] = nextRuns(cron, timezone, 1, after);
  if (!next) throw invalid('invalid_cron', `cron "${cron}" never runs`);
  return next;
}
