import { Readable } from 'node:stream';
import { readCsv } from '../imports/index.ts';
import { inputGuard, InputLimitError } from '../../platform/untrusted-input.ts';
import { ArchiveError, type ArchiveFile, type OpenedArchive, readEntry } from './face-archive.ts';
import type { FaceEntryReason } from './face-imports.tables.ts';

/**
 * What a face ZIP asks for, in a fixed order (so a retry walks the same list): the rows of
 * manifest.csv first (`vendor_data,file`), then every other file by its place in the archive,
 * an image named VENDOR_DATA.jpg|.jpeg|.png at any depth standing for that user.
 */

export interface PlannedEntry {
  /** The path as the report shows it. */
  file: string;
  vendorData: string | null;
  archiveFile: ArchiveFile | null;
  /** Known before reading the image: a manifest row naming no file, a file that is not an image by name. */
  skip?: FaceEntryReason;
}

const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
const IMAGE_NAME = /^(.+)\.(jpe?g|png)$/i;

const baseName = (name: string) => name.slice(name.lastIndexOf('/') + 1);
const folderOf = (name: string) => name.slice(0, name.lastIndexOf('/') + 1);

/** Files people's zip tools add that are not content: macOS forks and folders, dotfiles such as .DS_Store. */
function isNoise(name: string): boolean {
  return name.startsWith('__MACOSX/') || baseName(name).startsWith('.') || baseName(name).toLowerCase() === 'thumbs.db';
}

export async function planEntries(archive: OpenedArchive): Promise<PlannedEntry[]> {
  const files = archive.files.filter((file) => !isNoise(file.name));
  // The shallowest manifest.csv wins (zip tools often wrap everything in one folder).
  const manifest = files
    .filter((file) => baseName(file.name).toLowerCase() === 'manifest.csv')
    .sort((a, b) => a.name.split('/').length - b.name.split('/').length || a.index - b.index)[0];
  const planned: PlannedEntry[] = [];
  const listed = new Set<ArchiveFile>();
  if (manifest) {
    const byName = new Map(files.map((file) => [file.name, file]));
    for (const row of await readManifest(archive, manifest)) {
      const file = byName.get(folderOf(manifest.name) + row.file.replace(/^\.?\//, '')) ?? byName.get(row.file.replace(/^\//, ''));
      if (file) listed.add(file);
      planned.push({ file: file?.name ?? row.file, vendorData: row.vendorData, archiveFile: file ?? null, ...(file ? {} : { skip: 'missing_file' as const }) });
    }
  }
  for (const file of files) {
    if (file === manifest || listed.has(file)) continue;
    countEntry(planned.length + 1, 'The archive with its manifest');
    const match = IMAGE_NAME.exec(baseName(file.name));
    // macOS zips names in NFD; vendor_data typed by people (and sent by APIs) is NFC.
    planned.push(match ? { file: file.name, vendorData: match[1]!.normalize('NFC'), archiveFile: file } : { file: file.name, vendorData: null, archiveFile: file, skip: 'not_an_image' });
  }
  return planned;
}

/** The input guard's entry limit, failing the face import with its code. */
function countEntry(n: number, what: string): void {
  try {
    inputGuard.entries(n, what);
  } catch (error) {
    if (error instanceof InputLimitError) throw new ArchiveError(error.code, error.message);
    throw error;
  }
}

async function readManifest(archive: OpenedArchive, manifest: ArchiveFile): Promise<{ vendorData: string; file: string }[]> {
  const read = await readEntry(archive, manifest, MAX_MANIFEST_BYTES);
  if (read.kind === 'too_large') throw new ArchiveError('invalid_manifest', `manifest.csv is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`);
  if (read.kind === 'unreadable') throw new ArchiveError('invalid_manifest', `manifest.csv cannot be read: ${read.message}`);
  const rows: { vendorData: string; file: string }[] = [];
  let vendorColumn = -1;
  let fileColumn = -1;
  try {
    for await (const item of readCsv(Readable.from([read.bytes]), { requiredColumn: 'vendor_data' })) {
      if ('columns' in item) {
        vendorColumn = item.normalized.indexOf('vendor_data');
        fileColumn = item.normalized.indexOf('file');
        if (fileColumn < 0) throw new ArchiveError('invalid_manifest', 'manifest.csv needs the columns vendor_data and file');
        continue;
      }
      const vendorData = item.fields[vendorColumn]?.trim() ?? '';
      const file = item.fields[fileColumn]?.trim() ?? '';
      if (!vendorData && !file) continue;
      // The archive's entry count says nothing of its manifest: 4 KB of ZIP held a 1,000,000-row manifest.csv (issue #19).
      countEntry(rows.length + 1, 'manifest.csv');
      rows.push({ vendorData, file });
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError('invalid_manifest', `manifest.csv cannot be read: ${(error as Error).message}`);
  }
  return rows;
}
