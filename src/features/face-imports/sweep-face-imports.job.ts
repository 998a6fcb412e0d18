import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { endFaceImport } from './face-import.job.ts';
import { findSilentFaceImports } from './face-imports.repository.ts';

// Far beyond any entry (and pg-boss's own retries): only a lost job is this quiet.
const SILENT_AFTER_MS = 3 * 3600 * 1000;

/** Hourly: a face import whose worker has been silent for hours (its job gave up or was lost) is failed, not left running. */
export const sweepFaceImportsJob = defineJob<Record<string, never>, AppContext>({
  name: 'face-imports.sweep',
  payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  schedule: '23 * * * *',
  async handle(_payload, ctx) {
    await failSilentFaceImports(ctx, new Date(Date.now() - SILENT_AFTER_MS));
  },
});

export async function failSilentFaceImports(ctx: AppContext, silentSince: Date): Promise<number> {
  const silent = await findSilentFaceImports(ctx.db, silentSince);
  for (const { id } of silent) {
    await endFaceImport(ctx, id, { code: 'processing_failed', message: 'The worker handling this face import stopped and did not come back; faces added before stay. Upload the ZIP again to finish it (added faces come out as duplicates).' });
  }
  return silent.length;
}
