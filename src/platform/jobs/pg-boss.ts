// pg-boss, with the one setting Roster needs before it runs. scripts/build-server.js builds it, with the
// packages pg-boss loads (cron-parser, OpenTelemetry's API...), into one file; pg and luxon stay outside.
//
// pg-boss's cron pass (cron-parser) builds luxon dates in the system's zone and locale, and finding
// those out goes through Intl.DateTimeFormat: that pages ICU's locale and time-zone data, ~5 MB of the
// node binary, into every worker for good (bench:process, idle RSS). Roster's schedules are all UTC
// (jobs.ts), so luxon is told so and never asks ICU. It is the CommonJS luxon that cron-parser
// require()s that must be told: an `import` would get luxon's separate ES-module copy.
import { createRequire } from 'node:module';

const { Settings } = createRequire(import.meta.url)('luxon') as typeof import('luxon');
Settings.defaultZone = 'utc';
Settings.defaultLocale = 'en-US';

export { PgBoss } from 'pg-boss';
