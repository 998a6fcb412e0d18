import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import type { ImportView } from '../features/imports/imports.schemas.ts';
import { createImport, getImport, startImport } from '../features/imports/imports.service.ts';
import { type ImportMode, importModes } from '../features/users/index.ts';
import { toImportView } from '../features/imports/imports.schemas.ts';
import { setImportMapping } from '../features/imports/mapping/migration.service.ts';
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
  allowUnblock: boolean;
  yes: boolean;
}

/** `roster import FILE --app APP`: upload, show the preview's counts, ask, run with a progress bar. */
export async function importCommand(ctx: AppContext, terminal: Terminal, options: ImportCommandOptions): Promise<number> {
  if (options.mode !== undefined && !isImportMode(options.mode)) throw new AppError(400, 'invalid_argument', `--mode must be one of ${importModes.join(', ')}, got "${options.mode}"`);
  const mode = options.mode as ImportMode | undefined;
  if (options.defaultRegion !== undefined && !/^[A-Za-z]{2}$/.test(options.defaultRegion)) {
    throw new AppError(400, 'invalid_argument', `--default-region must be a two-letter country code such as FR, got "${options.defaultRegion}"`);
  }
  const mapping = options.mappingFile ? await readMapping(options.mappingFile) : undefined;
  const fileStat = await stat(options.file).catch(() => null);
  if (!fileStat?.isFile()) throw new AppError(400, 'file_not_found', `No file at ${options.file}`);
  const app = await loadApplication(ctx, options.appId);
  const actor = { operator: await cliOperator(ctx, app.org_id, options.as), appId: app.id, ip: null };
  await startLocalWorker(ctx);

  const created = await createImport(ctx, actor, {
    stream: createReadStream(options.file),
    fileName: path.basename(options.file),
    mode,
    settings: { defaultRegion: options.defaultRegion?.toUpperCase() },
  });
  terminal.note(`Uploaded ${path.basename(options.file)} as import ${created.id}; checking every row…`);
  const read = async () => toImportView(await getImport(ctx, app.id, created.id));
  const validated = () => pollUntil(read, (view) => view.status !== 'validating', (view) => terminal.progress({ label: 'rows read', done: view.total_rows, total: Math.max(view.total_rows, 1), status: view.status }));
  let preview = await validated();
  terminal.endProgress();
  if (mapping && (preview.status === 'ready' || preview.status === 'needs_mapping')) {
    await setImportMapping(ctx, actor, preview.id, mapping);
    terminal.note('Mapping applied; checking every row again…');
    preview = await validated();
    terminal.endProgress();
  }
  if (preview.status === 'needs_mapping') {
    const headers = preview.columns.map((column) => `"${column.source}"`).join(', ');
    throw new AppError(422, 'needs_mapping', `No column of the file maps to vendor_data (its columns: ${headers}). Pass --mapping FILE.json, e.g. {"Customer ID": "vendor_data"}`);
  }
  if (preview.status === 'failed') throw new AppError(422, preview.error?.code ?? 'import_failed', `The file cannot be imported: ${preview.error?.message ?? 'unknown error'}`);
  if (preview.status !== 'ready') throw new AppError(422, 'import_not_ready', `The import is ${preview.status}; see it in the console`);

  terminal.note(previewProse(preview));
  if (!options.yes && !(await terminal.confirm(`Apply ${preview.valid_rows.toLocaleString('en-US')} valid row(s) to the application "${app.name}"?`))) {
    terminal.result({ error: { code: 'not_confirmed', message: 'Not started; the preview stays in the console' }, import: preview }, `Not started. The preview stays in the console (import ${preview.id}).`);
    return 1;
  }
  await startImport(ctx, actor, preview.id, { mode, reason: options.reason, allow_unblock: options.allowUnblock });
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
    ...(view.to_skip > 0 ? [`  skipped by --mode ${view.mode}:  ${n(view.to_skip)}`] : []),
    ...view.status_changes.map((change) => `  status ${change.from} → ${change.to}:  ${n(change.count)}${change.from === 'BLOCKED' ? '  (needs --allow-unblock)' : ''}`),
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

function isImportMode(value: string): value is ImportMode {
  return (importModes as readonly string[]).includes(value);
}
