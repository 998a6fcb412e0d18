import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import { CommandFailure } from './cli-input.ts';
import type { ImportView } from '../features/imports/imports.schemas.ts';
import { createImport, getImport, startImport } from '../features/imports/imports.service.ts';
import { discardImport } from '../features/imports/discard-import.service.ts';
import { type ImportMode, importModes } from '../features/users/index.ts';
import { toImportView } from '../features/imports/imports.schemas.ts';
import { acceptImportFixes, setImportMapping } from '../features/imports/mapping/migration.service.ts';
import type { ImportTransforms } from '../features/imports/mapping/column-transforms.ts';
import type { UploadSettings } from '../features/imports/mapping/import-adjustments.repository.ts';
import { presetNames } from '../features/imports/mapping/presets.ts';
import { type FixCode, fixCodes, isFixCode } from '../features/imports/mapping/row-fixes.ts';
import { invalidCellsChoices } from '../features/imports/write-options.ts';
import { metadataModes, tagsModes } from '../features/users/write-modes.ts';
import { cliOperator, loadApplication, startLocalWorker } from './cli-context.ts';
import { pollUntil, type Terminal } from './terminal.ts';

export interface ImportCommandOptions {
  file: string;
  appId: string;
  as?: string;
  mappingFile?: string;
  /** `--map "Header=field"`, each one column (over --mapping's). */
  maps?: string[];
  /** `--value "Status:pending=FLAGGED"`, each one value of one column (docs/vendor-migration.md#value-mapping-and-combines). */
  values?: string[];
  /** `--combine "First name+Last name=full_name"`, joined with `combineSeparator` (default one space). */
  combines?: string[];
  combineSeparator?: string;
  preset?: string;
  /** `--accept-fixes country_alpha2,phone_national` or `all`. */
  acceptFixes?: string;
  /** `clear` (clear_cell) or `skip` (skip_row). */
  invalidCells?: string;
  tagsMode?: string;
  metadataMode?: string;
  defaultRegion?: string;
  mode?: string;
  reason?: string;
  allowUnblock: boolean;
  yes: boolean;
}

/** `roster import FILE --app APP`: upload, show the preview's counts, ask, run with a progress bar. */
export async function importCommand(ctx: AppContext, terminal: Terminal, options: ImportCommandOptions): Promise<number> {
  if (options.mode !== undefined && !isImportMode(options.mode)) throw new AppError('invalid_argument', `--mode must be one of ${importModes.join(', ')}, got "${options.mode}"`);
  const mode = options.mode as ImportMode | undefined;
  if (options.defaultRegion !== undefined && !/^[A-Za-z]{2}$/.test(options.defaultRegion)) {
    throw new AppError('invalid_argument', `--default-region must be a two-letter country code such as FR, got "${options.defaultRegion}"`);
  }
  const settings = checkedSettings(options);
  const acceptFixes = checkedFixCodes(options.acceptFixes);
  const fromFile = options.mappingFile ? await readMapping(options.mappingFile) : undefined;
  const fromFlags = parseMaps(options.maps ?? []);
  const mapping = fromFile || fromFlags ? { ...fromFile, ...fromFlags } : undefined;
  const transforms = parseTransforms(options);
  const fileStat = await stat(options.file).catch(() => null);
  if (!fileStat?.isFile()) throw new AppError('file_not_found', `No file at ${options.file}`);
  const app = await loadApplication(ctx, options.appId);
  const actor = { operator: await cliOperator(ctx, app.org_id, options.as), appId: app.id, ip: null };
  await startLocalWorker(ctx);

  const created = await createImport(ctx, actor, {
    stream: createReadStream(options.file),
    fileName: path.basename(options.file),
    mode,
    settings: { ...settings, defaultRegion: options.defaultRegion?.toUpperCase() },
  });
  terminal.note(`Uploaded ${path.basename(options.file)} as import ${created.id}; checking every row…`);
  const read = async () => toImportView(await getImport(ctx, app.id, created.id));
  const validated = () => pollUntil(read, (view) => view.status !== 'validating', (view) => terminal.progress({ label: 'rows read', done: view.total_rows, total: Math.max(view.total_rows, 1), status: view.status }));
  let preview = await validated();
  terminal.endProgress();
  if ((mapping || transforms) && (preview.status === 'ready' || preview.status === 'needs_mapping')) {
    await setImportMapping(ctx, actor, preview.id, mapping ?? {}, transforms);
    terminal.note('Mapping applied; checking every row again…');
    preview = await validated();
    terminal.endProgress();
  }
  const offered = acceptFixes === 'all' ? Object.keys(preview.fix_counts) : (acceptFixes ?? []).filter((code) => (preview.fix_counts[code] ?? 0) > 0);
  if (preview.status === 'ready' && offered.length > 0) {
    await acceptImportFixes(ctx, actor, preview.id, offered as FixCode[]);
    terminal.note(`Fixes accepted (${offered.join(', ')}); checking every row again…`);
    preview = await validated();
    terminal.endProgress();
  }
  if (preview.status === 'needs_mapping') {
    const headers = preview.columns.map((column) => `"${column.source}"`).join(', ');
    throw new AppError('needs_mapping', `No column of the file maps to vendor_data (its columns: ${headers}). Pass --mapping FILE.json, e.g. {"Customer ID": "vendor_data"}`);
  }
  if (preview.status === 'failed') throw new CommandFailure(preview.error?.code ?? 'import_failed', `The file cannot be imported: ${preview.error?.message ?? 'unknown error'}`);
  if (preview.status !== 'ready') throw new AppError('import_not_ready', `The import is ${preview.status}; see it in the console`);

  terminal.note(previewProse(preview));
  if (!options.yes && !(await terminal.confirm(`Apply ${preview.valid_rows.toLocaleString('en-US')} valid row(s) to the application "${app.name}"?`))) {
    // Declined: nothing is left behind ready to start by mistake, and the file goes now (docs/imports.md#discard).
    const discarded = await discardImport(ctx, actor, preview.id);
    terminal.result({ error: { code: 'not_confirmed', message: 'Not started; the import was discarded' }, import: discarded }, `Not started. Import ${preview.id} was discarded.`);
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
    ...(view.cells_cleared > 0 ? [`  imported without some invalid cells:  ${n(view.cells_cleared)}  (--invalid-cells clear; listed in errors.csv)`] : []),
    ...fixesOnOffer(view),
    `  tags: ${view.tags_mode} · metadata: ${view.metadata_mode} · invalid cells: ${view.invalid_cells}`,
    ...view.warnings.filter((warning) => warning.code === 'removes_metadata_keys' || warning.code === 'removes_tags').map((warning) => `  warning: ${warning.message}`),
  ].join('\n');
}

/** "fixes on offer: country_alpha2 2,993 rows, phone_national 2,841 rows (accept with --accept-fixes CODES|all)". */
function fixesOnOffer(view: ImportView): string[] {
  const offered = Object.entries(view.fix_counts).filter(([, rows]) => rows > 0);
  if (offered.length === 0) return [];
  const list = offered.map(([code, rows]) => `${code} ${rows.toLocaleString('en-US')} row(s)`).join(', ');
  return [`  fixes on offer: ${list}  (accept with --accept-fixes ${offered.map(([code]) => code).join(',')} or --accept-fixes all)`];
}

function checkedSettings(options: ImportCommandOptions): UploadSettings {
  const choice = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[], aliases: Record<string, T> = {}): T | undefined => {
    if (value === undefined) return undefined;
    const chosen = aliases[value] ?? value;
    if (!(allowed as readonly string[]).includes(chosen)) throw new AppError('invalid_argument', `--${flag} must be one of ${[...Object.keys(aliases), ...allowed].join(', ')}, got "${value}"`);
    return chosen as T;
  };
  return {
    preset: choice('preset', options.preset, presetNames),
    writeOptions: {
      invalid_cells: choice('invalid-cells', options.invalidCells, invalidCellsChoices, { clear: 'clear_cell', skip: 'skip_row' }),
      tags_mode: choice('tags-mode', options.tagsMode, tagsModes),
      metadata_mode: choice('metadata-mode', options.metadataMode, metadataModes),
    },
  };
}

function checkedFixCodes(value: string | undefined): FixCode[] | 'all' | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'all') return 'all';
  const codes = value.split(',').map((code) => code.trim()).filter((code) => code !== '');
  const unknown = codes.filter((code) => !isFixCode(code));
  if (codes.length === 0 || unknown.length > 0) throw new AppError('invalid_argument', `--accept-fixes takes all or codes among ${fixCodes.join(', ')}; got "${value}"`);
  return codes as FixCode[];
}

/** `--map "Customer ID=vendor_data"`, `--map "Notes=metadata.notes"`, `--map "Password="` (left out). */
function parseMaps(maps: readonly string[]): Record<string, string | null> | undefined {
  if (maps.length === 0) return undefined;
  const mapping: Record<string, string | null> = {};
  for (const entry of maps) {
    const at = entry.lastIndexOf('=');
    if (at <= 0) throw new AppError('invalid_argument', `--map takes "Header=field" (or "Header=" to leave a column out), got "${entry}"`);
    const field = entry.slice(at + 1).trim();
    mapping[entry.slice(0, at)] = field === '' ? null : field;
  }
  return mapping;
}

/** `--value` and `--combine` as the mapping API's `values` and `combines`; undefined when neither is given. */
function parseTransforms(options: ImportCommandOptions): ImportTransforms | undefined {
  const values: Record<string, Record<string, string>> = {};
  for (const entry of options.values ?? []) {
    const at = entry.lastIndexOf('=');
    const colon = entry.indexOf(':');
    if (colon <= 0 || at < colon) throw new AppError('invalid_argument', `--value takes "Header:from=to" (e.g. "Status:pending=FLAGGED"), got "${entry}"`);
    const source = entry.slice(0, colon);
    values[source] = { ...values[source], [entry.slice(colon + 1, at)]: entry.slice(at + 1) };
  }
  const combines = (options.combines ?? []).map((entry) => {
    const at = entry.lastIndexOf('=');
    const sources = at > 0 ? entry.slice(0, at).split('+') : [];
    const field = entry.slice(at + 1).trim();
    if (sources.length < 2 || sources.some((source) => source === '') || field === '') {
      throw new AppError('invalid_argument', `--combine takes "Header A+Header B=field" (e.g. "First name+Last name=full_name"), got "${entry}"`);
    }
    return { sources, field, separator: options.combineSeparator ?? ' ' };
  });
  if (options.combineSeparator !== undefined && combines.length === 0) throw new AppError('invalid_argument', '--combine-separator goes with --combine');
  if (Object.keys(values).length === 0 && combines.length === 0) return undefined;
  return { ...(Object.keys(values).length > 0 ? { values } : {}), ...(combines.length > 0 ? { combines } : {}) };
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
    throw new AppError('invalid_mapping', `--mapping ${file} is not a readable JSON file: ${(error as Error).message}`);
  }
  // Either the PUT …/mapping body itself or just its "mapping" object.
  const mapping = (parsed as { mapping?: unknown })?.mapping ?? parsed;
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping) || !Object.values(mapping).every((value) => value === null || typeof value === 'string')) {
    throw new AppError('invalid_mapping', '--mapping must hold {"Source header": "field" | "metadata.KEY" | null, …}');
  }
  return mapping as Record<string, string | null>;
}

function isImportMode(value: string): value is ImportMode {
  return (importModes as readonly string[]).includes(value);
}
