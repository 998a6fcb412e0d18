import { crc32 } from 'node:zlib';

/**
 * Recognises the face images we accept by reading their headers, not by trusting a name or a type:
 * a JPEG must start with SOI and reach a frame header (SOFn) with real dimensions before any scan;
 * a PNG must carry its signature and a well-formed IHDR chunk (its CRC included).
 */

export interface ImageInfo {
  format: 'jpeg' | 'png';
  contentType: 'image/jpeg' | 'image/png';
  extension: 'jpg' | 'png';
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Bit depths each PNG colour type allows (PNG specification, table 11.1).
const PNG_BIT_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function readPng(bytes: Buffer): ImageInfo | null {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const [bitDepth, colourType, compression, filter, interlace] = [bytes[24], bytes[25], bytes[26], bytes[27], bytes[28]];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return null;
  if (!PNG_BIT_DEPTHS[colourType]?.includes(bitDepth) || compression !== 0 || filter !== 0 || interlace > 1) return null;
  if (bytes.readUInt32BE(29) !== crc32(bytes.subarray(12, 29))) return null;
  return { format: 'png', contentType: 'image/png', extension: 'png', width, height };
}

/** SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
const isFrameMarker = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function readJpeg(bytes: Buffer): ImageInfo | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return null;
  let offset = 2;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    while (offset < bytes.length && bytes[offset] === 0xff) offset++; // fill bytes
    if (offset >= bytes.length) return null;
    const marker = bytes[offset++];
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // standalone markers carry no length
    if (marker === 0x00 || marker === 0xd8 || marker === 0xd9 || marker === 0xda) return null; // no frame before data or end
    if (offset + 2 > bytes.length) return null;
    const length = bytes.readUInt16BE(offset);
    if (length < 2 || offset + length > bytes.length) return null;
    if (isFrameMarker(marker)) {
      if (length < 8) return null;
      const height = bytes.readUInt16BE(offset + 3);
      const width = bytes.readUInt16BE(offset + 5);
      const components = bytes[offset + 7];
      if (width === 0 || height === 0 || components === 0 || length < 8 + 3 * components) return null;
      return { format: 'jpeg', contentType: 'image/jpeg', extension: 'jpg', width, height };
    }
    offset += length;
  }
  return null;
}

export function readImageHeader(bytes: Buffer): ImageInfo | null {
  return readPng(bytes) ?? readJpeg(bytes);
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded size of base64 text without decoding it, so an oversized image is refused before its copy is made. */
export function base64DecodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}

/** Strict base64 (standard alphabet, whitespace such as wrapped lines allowed): Buffer.from would skip junk silently. */
export function decodeStrictBase64(text: string): Buffer | null {
  const compact = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
  if (compact.length === 0 || compact.length % 4 !== 0 || !base64Pattern.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}
