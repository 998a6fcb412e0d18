import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { createFaceImport, getFaceImport } from '../features/face-imports/index.ts';
import { cliOperator, loadApplication, startLocalWorker } from './cli-context.ts';
import { pollUntil, type Terminal } from './terminal.ts';

/** `roster faces import ZIP --app APP`: the console's bulk faces, from a local file, with progress. */
export async function facesImportCommand(ctx: AppContext, terminal: Terminal, options: { file: string; appId: string; as?: string }): Promise<number> {
  const fileStat = await stat(options.file).catch(() => null);
  if (!fileStat?.isFile()) throw new AppError('file_not_found', `No file at ${options.file}`);
  const app = await loadApplication(ctx, options.appId);
  const actor = { operator: await cliOperator(ctx, app.org_id, options.as), appId: app.id, ip: null };
  await startLocalWorker(ctx);
  const created = await createFaceImport(ctx, actor, { stream: createReadStream(options.file), fileName: path.basename(options.file) });
  terminal.note(`Uploaded ${path.basename(options.file)} as face import ${created.id}`);
  const finished = await pollUntil(
    () => getFaceImport(ctx, app.id, created.id),
    (view) => view.status === 'completed' || view.status === 'failed',
    (view) => terminal.progress({ label: 'entries', done: view.processed, total: Math.max(view.total, view.processed), status: view.status }),
  );
  terminal.endProgress();
  const prose =
    finished.status === 'completed'
      ? `Face import ${finished.id} completed: ${finished.added} added, ${finished.skipped} skipped, ${finished.failed} failed of ${finished.total} entries (report: /api/console/apps/${app.id}/face-imports/${finished.id}/report.csv)`
      : `Face import ${finished.id} failed: ${finished.error?.message ?? 'unknown error'}`;
  terminal.result(finished, prose);
  return finished.status === 'completed' ? 0 : 1;
}
