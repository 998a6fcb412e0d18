import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A ZIP archive built in memory, for small generated packages (an access package: a few JSON files and at
 * most a handful of images). Text is deflated; images, already compressed, are stored. Names are UTF-8.
 */
export interface ZipFile {
  name: string;
  data: Buffer;
  /** Store without compressing (JPEG and PNG gain nothing). */
  stored?: boolean;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const UTF8_NAMES = 0x0800;
// Every entry has the same modification time: 1980-01-01 00:00, the format's epoch (the package's dates are inside its files).
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface Written {
  name: Buffer;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function header(signature: number, fields: [number, 2 | 4][]): Buffer {
  const buffer = Buffer.alloc(4 + fields.reduce((sum, [, width]) => sum + width, 0));
  buffer.writeUInt32LE(signature, 0);
  let at = 4;
  for (const [value, width] of fields) {
    if (width === 2) buffer.writeUInt16LE(value, at);
    else buffer.writeUInt32LE(value >>> 0, at);
    at += width;
  }
  return buffer;
}

export function buildZipArchive(files: readonly ZipFile[]): Buffer {
  const chunks: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const method = file.stored ? 0 : 8;
    const body = method === 8 ? deflateRawSync(file.data) : file.data;
    const entry: Written = { name, method, crc: crc32(file.data), compressed: body.length, size: file.data.length, offset };
    // version, flags, method, time, date, crc, compressed size, size, name length, extra length
    const local = header(LOCAL_HEADER, [[20, 2], [UTF8_NAMES, 2], [method, 2], [0, 2], [DOS_DATE, 2], [entry.crc, 4], [entry.compressed, 4], [entry.size, 4], [name.length, 2], [0, 2]]);
    chunks.push(local, name, body);
    written.push(entry);
    offset += local.length + name.length + body.length;
  }
  const directoryStart = offset;
  for (const entry of written) {
    // made by, needed, flags, method, time, date, crc, sizes, name/extra/comment lengths, disk, attributes, offset
    const central = header(CENTRAL_HEADER, [
      [20, 2], [20, 2], [UTF8_NAMES, 2], [entry.method, 2], [0, 2], [DOS_DATE, 2], [entry.crc, 4], [entry.compressed, 4], [entry.size, 4],
      [entry.name.length, 2], [0, 2], [0, 2], [0, 2], [0, 2], [0, 4], [entry.offset, 4],
    ]);
    chunks.push(central, entry.name);
    offset += central.length + entry.name.length;
  }
  chunks.push(header(END_OF_DIRECTORY, [[0, 2], [0, 2], [written.length, 2], [written.length, 2], [offset - directoryStart, 4], [directoryStart, 4], [0, 2]]));
  return Buffer.concat(chunks);
}
