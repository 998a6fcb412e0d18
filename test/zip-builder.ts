import { crc32, deflateRawSync, constants } from 'node:zlib';

/**
 * A small ZIP writer for tests: real archives (stored or deflated) that any unzip reads, plus the
 * hostile ones a real tool refuses to make, such as an entry whose header lies about its size.
 */

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Deflate the data (default true). */
  deflate?: boolean;
  /** Already-compressed bytes to write as-is (a bomb), with the sizes the headers should claim. */
  raw?: { compressed: Buffer; claimedSize: number; crc?: number };
}

export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const method = entry.raw || entry.deflate !== false ? 8 : 0;
    const body = entry.raw ? entry.raw.compressed : method === 8 ? deflateRawSync(entry.data) : entry.data;
    const size = entry.raw ? entry.raw.claimedSize : entry.data.length;
    const crc = entry.raw ? (entry.raw.crc ?? 0) : crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A raw deflate stream that inflates to `megabytes` MB of zeros in about a thousandth of that:
 * one sync-flushed block for 1 MB, repeated (its back-references only reach zeros), then a final empty block.
 */
export function zerosDeflated(megabytes: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: megabytes }, () => block), Buffer.from([0x03, 0x00])]);
}
