import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { inputLimits } from '../../platform/untrusted-input.ts';

/**
 * Reads a face ZIP without trusting it: names are decoded by hand (yauzl refuses a whole archive
 * over one `..` name; we only ever use the base name), and every entry is inflated into memory
 * under a byte cap, so an entry claiming 1 KB that inflates to 1 GB costs at most the cap.
 */

/** More entries than this and the archive is refused before anything is read (each entry costs a row). */
export const MAX_ARCHIVE_ENTRIES = inputLimits.archiveEntries;

export interface ArchiveFile {
  /** Position in the central directory. */
  index: number;
  /** Slash-separated path inside the archive. */
  name: string;
  declaredBytes: number;
  entry: Entry;
}

export class ArchiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(entry: Entry): string {
  const raw = entry.fileNameRaw;
  let name: string;
  try {
    name = utf8.decode(raw);
  } catch {
    name = raw.toString('latin1');
  }
  return name.replace(/\\/g, '/').replace(/[\u0000-\u001f\u007f]/g, '');
}

export interface OpenedArchive {
  zip: ZipFile;
  files: ArchiveFile[];
  close(): void;
  /** Entries are read one at a time (see readEntry). */
  reading: Promise<unknown>;
}

/** Opens the ZIP at `path` and lists its files (folders left out). */
export async function openArchive(path: string): Promise<OpenedArchive> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw new ArchiveError('invalid_zip', `The file is not a readable ZIP archive: ${(error as Error).message}`);
  }
  const close = () => zip.close();
  if (zip.entryCount > MAX_ARCHIVE_ENTRIES) {
    close();
    throw new ArchiveError('too_many_entries', `The archive has ${zip.entryCount} entries; a face import takes at most ${MAX_ARCHIVE_ENTRIES}`);
  }
  const files: ArchiveFile[] = [];
  try {
    let index = 0;
    for await (const entry of zip.eachEntry()) {
      const name = decodeName(entry);
      if (!name.endsWith('/')) files.push({ index, name, declaredBytes: entry.uncompressedSize, entry });
      index++;
    }
  } catch (error) {
    close();
    throw new ArchiveError('invalid_zip', `The archive's directory cannot be read: ${(error as Error).message}`);
  }
  return { zip, files, close, reading: Promise.resolve() };
}

export type EntryRead = { kind: 'bytes'; bytes: Buffer; inflated: number } | { kind: 'too_large'; inflated: number } | { kind: 'unreadable'; inflated: number; message: string };

/**
 * Inflates one entry into memory, stopping as soon as it passes `maxBytes` (whatever its header
 * claims). `inflated` is what was actually produced, for the archive-wide cap.
 */
export function readEntry(archive: OpenedArchive, file: ArchiveFile, maxBytes: number): Promise<EntryRead> {
  if (file.declaredBytes > maxBytes) return Promise.resolve({ kind: 'too_large', inflated: 0 });
  // One entry at a time: yauzl's file reader queues reads, and a queued read of a stream destroyed
  // meanwhile (an entry refused halfway) crashes the process. Inflating is CPU-bound anyway.
  const read = archive.reading.then(() => readEntryNow(archive, file, maxBytes));
  archive.reading = read.catch(() => undefined);
  return read;
}

async function readEntryNow(archive: OpenedArchive, file: ArchiveFile, maxBytes: number): Promise<EntryRead> {
  let stream: NodeJS.ReadableStream & { destroy(error?: Error): void };
  try {
    stream = await archive.zip.openReadStreamPromise(file.entry);
  } catch (error) {
    return { kind: 'unreadable', inflated: 0, message: (error as Error).message };
  }
  const chunks: Buffer[] = [];
  let inflated = 0;
  return new Promise<EntryRead>((resolve) => {
    let outcome: EntryRead | undefined;
    stream.on('data', (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > maxBytes) {
        outcome ??= { kind: 'too_large', inflated };
        stream.destroy();
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (error: Error) => {
      // yauzl's own size check: the entry inflates past the size its header declares.
      outcome ??= /too many bytes/i.test(error.message) ? { kind: 'too_large', inflated } : { kind: 'unreadable', inflated, message: error.message };
    });
    stream.on('end', () => {
      outcome ??= { kind: 'bytes', bytes: Buffer.concat(chunks, inflated), inflated };
    });
    // Answer only once the stream has let go of the file, so the next entry's read starts clean.
    stream.on('close', () => resolve(outcome ?? { kind: 'unreadable', inflated, message: 'the entry ended early' }));
  });
}
