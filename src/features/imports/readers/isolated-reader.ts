import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { decodeRecordBatch, ownRecordBatch } from './record-frames.ts';
import { type OpenFile, TableFileError, type TableHeader, type TableItem, type TableReadOptions } from './table-reader.ts';

/**
 * Reads an import file in a child process of its own, with its own heap limit, and hands its header
 * and records back here. A file that kills its parser (V8 aborts the whole process on an invalid array
 * size, whatever the heap limit, and a worker thread's out-of-memory took the process down with it on
 * Node 20) then fails its import with `unreadable_file` instead of taking the service, and every other
 * tenant's work, down with it (issue #19, finding 1; docs/security.md).
 *
 * The stored file is copied to a private folder first: the readers open it more than once (sniffing,
 * JSON's two passes) and xlsx needs random access. The child reads ahead only as far as the pipe holds.
 */

/** The reader's old-generation heap, in MB: the input guard's limits fit well within it. */
export const READER_HEAP_MB = 768;
export const READER_FOLDER_PREFIX = 'roster-read-';
/** The child's file descriptor its results go out on (a pipe of their own: Node's IPC channel was 5× slower). */
export const RESULTS_FD = 3;
/** A results frame: one byte of kind, four of length, then JSON. H header, R records, E end, F file error, X failure. */
export type FrameKind = 'H' | 'R' | 'E' | 'F' | 'X';
// From the sources the child runs through a CommonJS shim that loads tsx (see reader.child.cjs).
const childFile = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './reader.child.cjs' : './reader.child.js', import.meta.url));
// The end of what the child wrote to stderr is kept for the log (V8's fatal message says what went wrong).
const STDERR_KEPT = 4_096;

export interface IsolatedReadOptions extends Omit<TableReadOptions, 'localFile'> {
  /** Aborting it stops the child (the import was cancelled, the job taken away). */
  signal?: AbortSignal;
  /** Told what the child printed when it died, for the log. */
  onCrash?: (detail: string) => void;
  /** Told how long copying the stored file to the private folder took (the preview's phases). */
  onCopied?: (ms: number) => void;
}

export async function* readImportTableIsolated(open: OpenFile, opts: IsolatedReadOptions = {}): AsyncGenerator<TableItem> {
  for await (const item of readImportFramesIsolated(open, opts)) yield item instanceof Uint8Array ? decodeRecordBatch(item) : item;
}

/** The same, with each batch of records as the reader process encoded it (record-frames.ts): a thread can decode it. */
export async function* readImportFramesIsolated(open: OpenFile, opts: IsolatedReadOptions = {}): AsyncGenerator<TableHeader | Uint8Array> {
  const folder = await mkdtemp(path.join(os.tmpdir(), READER_FOLDER_PREFIX));
  let child: ChildProcess | undefined;
  try {
    const file = path.join(folder, 'upload');
    const copyStarted = performance.now();
    await pipeline(Readable.from(open()), createWriteStream(file, { mode: 0o600 }));
    opts.onCopied?.(performance.now() - copyStarted);
    child = spawn(process.execPath, [`--max-old-space-size=${READER_HEAP_MB}`, childFile, file, opts.flatten ? JSON.stringify(opts.flatten) : ''], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      // The parser needs no secret: only what Node and tsx look at.
      env: { PATH: process.env.PATH ?? '', TMPDIR: os.tmpdir(), LANG: process.env.LANG ?? 'C.UTF-8' },
    });
    yield* readFrom(child, opts);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(folder, { recursive: true, force: true });
  }
}

async function* readFrom(child: ChildProcess, opts: IsolatedReadOptions): AsyncGenerator<TableHeader | Uint8Array> {
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-STDERR_KEPT)));
  const closed = new Promise<string>((resolve) => {
    child.once('close', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once('error', (error) => resolve(error.message));
  });
  const onAbort = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let header: TableHeader | undefined;
    for await (const [kind, body] of frames(child.stdio[RESULTS_FD] as Readable)) {
      if (kind === 'R') {
        // A copy of its own: aligned for its int32 words, and movable to a validation thread.
        yield ownRecordBatch(body);
        continue;
      }
      const value: unknown = JSON.parse(body.toString('utf8'));
      if (kind === 'H') {
        header = value as TableHeader;
        yield header;
      } else if (kind === 'E') {
        if (header) header.encoding = (value as { encoding: string | null }).encoding;
        return;
      } else if (kind === 'F') {
        const { code, message, line } = value as { code: string; message: string; line?: number };
        throw new TableFileError(code, message, line ?? undefined);
      } else {
        throw new Error((value as { message: string }).message);
      }
    }
    if (opts.signal?.aborted) throw new Error('reading the file was stopped: the job was cancelled or taken away');
    const ended = await closed;
    opts.onCrash?.(`the reader process ended (${ended}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    throw new TableFileError('unreadable_file', 'Reading this file stopped its reader (it ran out of memory or its parser failed): it is not a table Roster can read. Check it opens as a plain CSV, .xlsx or JSON file.');
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** The frames of the results pipe, as they come; ends when the pipe does (a frame cut short is dropped). */
async function* frames(pipe: Readable): AsyncGenerator<[FrameKind, Buffer]> {
  // Chunks are joined once a whole frame is in: a large frame is copied once, not once per chunk.
  let parts: Buffer[] = [];
  let buffered = 0;
  let needed = 5;
  for await (const chunk of pipe) {
    parts.push(chunk as Buffer);
    buffered += (chunk as Buffer).length;
    while (buffered >= needed) {
      let pending = parts.length === 1 ? parts[0]! : Buffer.concat(parts, buffered);
      const length = pending.readUInt32BE(1);
      if (pending.length < 5 + length) {
        parts = [pending];
        needed = 5 + length;
        break;
      }
      const kind = String.fromCharCode(pending[0]!) as FrameKind;
      const body = pending.subarray(5, 5 + length);
      pending = pending.subarray(5 + length);
      parts = pending.length > 0 ? [pending] : [];
      buffered = pending.length;
      needed = 5;
      yield [kind, body];
    }
  }
}
