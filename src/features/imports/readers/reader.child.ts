import { createReadStream } from 'node:fs';
import { Socket } from 'node:net';
import { readImportTable, TableFileError, type TableItem } from './index.ts';
import { type FrameKind, RESULTS_FD } from './isolated-reader.ts';
import { encodeRecordBatch } from './record-frames.ts';

/**
 * The process an import file is parsed in (isolated-reader.ts starts one per read). It reads the local
 * copy named by its first argument and writes the header and batches of records to its results pipe
 * as frames, as fast as the job takes them (the pipe's backpressure), then ends. Whatever a hostile
 * file does to it (runs it out of memory, aborts V8) ends this process only.
 */

const [file, flattenJson] = process.argv.slice(2);
const results = new Socket({ fd: RESULTS_FD, readable: false, writable: true });
// The job stopped reading (or its process died): nothing left to read for.
results.on('error', () => process.exit(0));

function frame(kind: FrameKind, value: unknown): Promise<void> {
  return frameBody(kind, Buffer.from(JSON.stringify(value)));
}

function frameBody(kind: FrameKind, body: Buffer): Promise<void> {
  const head = Buffer.alloc(5);
  head.writeUInt8(kind.charCodeAt(0), 0);
  head.writeUInt32BE(body.length, 1);
  results.write(head);
  return results.write(body) ? Promise.resolve() : new Promise((resolve) => results.once('drain', resolve));
}

async function read(): Promise<void> {
  let header: Extract<TableItem, { format: string }> | undefined;
  const flatten = flattenJson ? (JSON.parse(flattenJson) as string[]) : undefined;
  try {
    for await (const item of readImportTable(() => createReadStream(file!), { localFile: file!, ...(flatten ? { flatten } : {}) })) {
      if (Array.isArray(item)) await frameBody('R', encodeRecordBatch(item));
      else {
        header = item;
        await frame('H', { format: item.format, encoding: item.encoding, delimiter: item.delimiter, columns: item.columns });
      }
    }
    // The CSV reader may learn the encoding late (Windows-1252 far down the file).
    await frame('E', { encoding: header?.encoding ?? null });
  } catch (error) {
    if (error instanceof TableFileError) await frame('F', { code: error.code, message: error.message, line: error.line });
    else await frame('X', { message: (error as Error).message });
  }
  results.end(() => process.exit(0));
}

void read();
