import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import type { ImportView } from '../features/imports/imports.schemas.ts';
import { getImport, createImport, startImport } from '../features/imports/imports.service.ts';
import { toImportView } from '../features/imports/imports.schemas.ts';
import { cliOperator, loadApplication, startLocalWorker } from './cli-context.ts';
import { pollUntil, type Terminal } from './terminal.ts';

export interface ImportCommandOptions {
  file: string;
  appId: string;
  as?: string;
  mappingFile?: string;
  defaultRegion?: string;
  mode?: string;
  reason?: string;
  yes: boolean;
}

const modes = ['upsert', 'create_only', 'update_only'];

/** `roster import FILE --app APP`: upload, show the preview's counts, ask, run with a progress bar. */
export async function importCommand(ctx: AppContext, terminal: Terminal, options: ImportCommandOptions): Promise<number> {
  if (options.mode !== undefined && !modes.includes(options.mode)) throw new AppError(400, 'invalid_argument', `--mode must be one of ${modes.join(', ')}, got "${options.mode}"`);
  if (options.defaultRegion !== undefined && !/^[A-Za-z]{2}$/.test(options.defaultRegion)) {
    throw new AppError(400, 'invalid_argument', `--default-region must be a two-letter country code such as FR, got "${options.defaultRegion}"`);
  }
  const mapping = options.mappingFile ? await readMapping(options.mappingFile) : undefined;
  const startArgs = startArguments(options);
  await applyMigrationOptions(ctx, null, null, { mapping, defaultRegion: options.defaultRegion });
  const fileStat = await stat(options.file).catch(() => null);
  if (!fileStat?.isFile()) throw new AppError(400, 'file_not_found', `No file at ${options.file}`);
  const app = await loadApplication(ctx, options.appId);
  const actor = { operator: await cliOperator(ctx, app.org_id, options.as), appId: app.id, ip: null };
  await startLocalWorker(ctx);

  const created = await createImport(ctx, actor, { stream: createReadStream(options.file), fileName: path.basename(options.file) });
  terminal.note(`Uploaded ${path.basename(options.file)} as import ${created.id}; checking every row…`);
  const read = async () => toImportView(await getImport(ctx, app.id, created.id));
  let preview = await pollUntil(read, (view) => view.status !== 'validating', (view) => terminal.progress({ label: 'rows read', done: view.total_rows, total: Math.max(view.total_rows, 1), status: view.status }));
  terminal.endProgress();
  if (preview.status === 'failed') throw new AppError(422, preview.error?.code ?? 'import_failed', `The file cannot be imported: ${preview.error?.message ?? 'unknown error'}`);
  if (preview.status !== 'ready') throw new AppError(422, 'import_not_ready', `The import is ${preview.status}; see it in the console`);

  terminal.note(previewProse(preview));
  if (!options.yes && !(await terminal.confirm(`Apply ${preview.valid_rows.toLocaleString('en-US')} valid row(s) to the application "${app.name}"?`))) {
    terminal.result({ error: { code: 'not_confirmed', message: 'Not started; the preview stays in the console' }, import: preview }, `Not started. The preview stays in the console (import ${preview.id}).`);
    return 1;
  }
  await startImport(ctx, actor, preview.id, ...startArgs);
  const finished = await pollUntil(
    read,
    (view) => ['completed', 'failed', 'cancelled'].includes(view.status),
    (view) => terminal.progress({ label: 'rows applied', done: view.processed_rows, total: view.total_rows, status: view.status }),
  );
  terminal.endProgress();
  terminal.result(finished, resultProse(finished));
  return finished.status === 'completed' ? 0 : 1;
}

function previewProse(view: ImportView): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return [
    `Preview of ${view.file_name}: ${n(view.total_rows)} row(s)`,
    `  to create:  ${n(view.to_create)}`,
    `  to update:  ${n(view.to_update)}`,
    `  unchanged:  ${n(view.unchanged)}`,
    `  invalid:    ${n(view.invalid_rows)}${view.invalid_rows > 0 ? '  (skipped; the console lists them and their reasons in errors.csv)' : ''}`,
  ].join('\n');
}

function resultProse(view: ImportView): string {
  if (view.status !== 'completed') return `Import ${view.id} ${view.status}: ${view.error?.message ?? ''}`.trim();
  return `Import ${view.id} completed: ${view.created} created, ${view.updated} updated, ${view.unchanged} unchanged, ${view.skipped} skipped`;
}

async function readMapping(file: string): Promise<Record<string, string | null>> {
  const { readFile } = await import('node:fs/promises');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AppError(400, 'invalid_mapping', `--mapping ${file} is not a readable JSON file: ${(error as Error).message}`);
  }
  // Either the PUT …/mapping body itself or just its "mapping" object.
  const mapping = (parsed as { mapping?: unknown })?.mapping ?? parsed;
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping) || !Object.values(mapping).every((value) => value === null || typeof value === 'string')) {
    throw new AppError(400, 'invalid_mapping', '--mapping must hold {"Source header": "field" | "metadata.KEY" | null, …}');
  }
  return mapping as Record<string, string | null>;
}

/** Mapping and default region (§9) go through the imports service; see the README for which version has them. */
async function applyMigrationOptions(
  _ctx: AppContext,
  _actor: unknown,
  preview: ImportView | null,
  options: { mapping?: Record<string, string | null>; defaultRegion?: string },
): Promise<ImportView | null> {
  if (options.mapping || options.defaultRegion) {
    throw new AppError(501, 'not_supported', '--mapping and --default-region need the mapping step of the imports service, which this build does not have yet');
  }
  return preview;
}

function startArguments(options: ImportCommandOptions): [] {
  if (options.mode !== undefined || options.reason !== undefined) {
    throw new AppError(501, 'not_supported', '--mode and --reason need import modes in the imports service, which this build does not have yet');
  }
  return [];
}
