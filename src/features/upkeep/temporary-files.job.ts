import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob } from '../../platform/jobs/jobs.ts';
import { removeStaleWorkFolders, TEMPORARY_FILE_MAX_AGE_MS, WORK_FOLDER_MAX_AGE_MS } from '../../platform/temporary-files.ts';

/**
 * Hourly, and once when a worker starts: deletes the temporary files a killed process left (the local
 * store's dot-named `.tmp` files, face-import and XLSX work folders in the system temporary folder).
 * The schedule runs on one worker per tick; the start-up sweep covers each machine's own temporary folder.
 */
export const sweepTemporaryFilesJob = defineJob<Record<string, never>, AppContext>({
  name: 'files.sweep-temporary',
  payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  schedule: '41 * * * *',
  async handle(_payload, ctx) {
    await sweepTemporaryFiles(ctx);
  },
});

export async function sweepTemporaryFiles(ctx: Pick<AppContext, 'storage' | 'log'>, now = Date.now()): Promise<{ files: number; folders: number }> {
  const files = (await ctx.storage.sweepTemporaryFiles?.(new Date(now - TEMPORARY_FILE_MAX_AGE_MS))) ?? 0;
  const folders = await removeStaleWorkFolders(new Date(now - WORK_FOLDER_MAX_AGE_MS));
  if (files + folders > 0) ctx.log.info(`removed ${files} temporary file(s) and ${folders} work folder(s) left by stopped processes`);
  return { files, folders };
}
