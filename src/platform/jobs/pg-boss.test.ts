import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import './pg-boss.ts';

const require = createRequire(import.meta.url);

describe('the pg-boss runtime', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has the luxon that cron-parser loads work in UTC, so cron passes never page in ICU data', () => {
    const luxonOfCronParser = createRequire(require.resolve('cron-parser'))('luxon') as typeof import('luxon');
    expect(luxonOfCronParser.Settings.defaultZone.type).toBe('fixed'); // UTC itself, not the system's zone (whatever it is)
    expect(luxonOfCronParser.Settings.defaultZone.name).toBe('UTC');
    expect(luxonOfCronParser.Settings.defaultLocale).toBe('en-US');

    const dateTimeFormat = vi.spyOn(Intl, 'DateTimeFormat');
    const { CronExpressionParser } = require('cron-parser') as typeof import('cron-parser');
    const tick = CronExpressionParser.parse('17 * * * *', { tz: 'UTC', currentDate: new Date('2026-11-30T10:20:00Z') }).next();
    expect(tick.toISOString()).toBe('2026-11-30T11:17:00.000Z');
    expect(dateTimeFormat).not.toHaveBeenCalled();
  });
});
