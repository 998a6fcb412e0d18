import { z } from 'zod';
import { safeString } from '../../platform/validation/safe-text.ts';

/** What a schedule request may hold (docs/export-schedules.md); unknown fields are refused. */

const destination = z
  .object({
    url: safeString({ trim: true, min: 6, max: 2000 }).describe('s3://BUCKET/PREFIX?endpoint=URL&region=R&forcePathStyle=true'),
    access_key_id: safeString({ trim: true, min: 1, max: 200 }),
    secret_access_key: safeString({ min: 1, max: 500 }).optional().describe('Required when creating; kept when left out of a PATCH; never returned'),
  })
  .strict();

const scheduleFields = {
  name: safeString({ trim: true, min: 1, max: 120 }),
  cron: safeString({ trim: true, min: 1, max: 200 }).describe('Five fields: minute hour day-of-month month day-of-week'),
  timezone: safeString({ trim: true, min: 1, max: 64 }).optional().describe('IANA time zone; default UTC'),
  format: z.enum(['csv', 'jsonl', 'parquet']).optional(),
  compression: z.enum(['none', 'gzip']).optional(),
  filters: z.record(z.string(), z.unknown()).optional().describe('The export filters (docs/exports.md)'),
  columns: z.array(safeString({ max: 100 })).max(100).nullable().optional(),
  incremental: z.boolean().optional().describe('After the first full run, each run holds only what changed since the last delivered run'),
  destination: destination.nullable().optional(),
};

export const scheduleInputSchema = z.object(scheduleFields).strict();
export const schedulePatchSchema = z.object({ ...scheduleFields, name: scheduleFields.name.optional(), cron: scheduleFields.cron.optional() }).strict();

export type ScheduleInput = z.infer<typeof scheduleInputSchema>;
export type SchedulePatch = z.infer<typeof schedulePatchSchema>;

export const scheduleSchema = z.object({
  id: z.string(),
  app_id: z.string(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  format: z.string(),
  compression: z.string(),
  filters: z.record(z.string(), z.unknown()),
  redacted: z.array(z.string()).describe('Filters withheld from your role, null in `filters`: a search over personal fields'),
  columns: z.array(z.string()).nullable(),
  incremental: z.boolean(),
  destination: z.object({ url: z.string(), access_key_id: z.string().nullable(), secret_set: z.boolean(), secret_readable: z.boolean() }).nullable(),
  next_runs: z.array(z.string()).describe('The next three runs (UTC instants)'),
  last_success_as_of_seq: z.number().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const scheduleRunSchema = z.object({
  export_id: z.string(),
  tick_at: z.string().nullable(),
  since_seq: z.number().nullable(),
  export_status: z.string(),
  row_count: z.number().nullable(),
  delivery: z.enum(['pending', 'delivered', 'failed', 'none']),
  destination_prefix: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
