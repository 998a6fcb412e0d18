import type { Config } from '../../config/config.ts';

/**
 * Retention per category (docs/privacy.md#retention): how long each kind of data is kept, per
 * application. Stored in `applications.retention` as seconds (null: keep); a category absent there keeps
 * the default below. Durations are written `30d`, `12w` or `3y`.
 */

export const retentionCategories = ['import_files', 'exports', 'faces', 'inactive_users', 'audit', 'change_feed'] as const;
export type RetentionCategory = (typeof retentionCategories)[number];
export type RetentionSeconds = Record<RetentionCategory, number | null>;

const DAY = 86_400;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;

/** The defaults; faces are never kept forever by default. */
export function retentionDefaults(config: Pick<Config, 'IMPORT_FILE_RETENTION_DAYS' | 'CHANGE_FEED_RETENTION'>): RetentionSeconds {
  return {
    import_files: config.IMPORT_FILE_RETENTION_DAYS * DAY,
    exports: 7 * DAY,
    faces: 3 * YEAR,
    inactive_users: null,
    audit: 7 * YEAR,
    change_feed: config.CHANGE_FEED_RETENTION,
  };
}

export function effectiveRetention(stored: Record<string, number | null>, defaults: RetentionSeconds): RetentionSeconds {
  return Object.fromEntries(retentionCategories.map((category) => [category, category in stored ? stored[category] : defaults[category]])) as RetentionSeconds;
}

/** "30d", "12w", "3y" → seconds; anything else → null. At least one day, at most 100 years. */
export function parseRetentionDuration(text: string): number | null {
  const match = /^\s*(\d{1,5})\s*([dwy])\s*$/i.exec(text);
  if (!match) return null;
  const unit = match[2]!.toLowerCase();
  const seconds = Number(match[1]) * (unit === 'y' ? YEAR : unit === 'w' ? WEEK : DAY);
  return seconds >= DAY && seconds <= 100 * YEAR ? seconds : null;
}

export function formatRetentionDuration(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds % YEAR === 0) return `${seconds / YEAR}y`;
  if (seconds % WEEK === 0) return `${seconds / WEEK}w`;
  if (seconds % DAY === 0) return `${seconds / DAY}d`;
  return `${Math.round((seconds / DAY) * 100) / 100}d`;
}

export const formatRetention = (seconds: RetentionSeconds) =>
  Object.fromEntries(retentionCategories.map((category) => [category, formatRetentionDuration(seconds[category])])) as Record<RetentionCategory, string | null>;

