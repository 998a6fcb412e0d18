import { isStorableText } from '../../../platform/validation/safe-text.ts';

/** Encoders for PostgreSQL's COPY text format: one row per line, tab-separated, \N for NULL. */

const copySpecial = /[\\\n\r\t]/;
const copySpecialAll = /[\\\n\r\t]/g;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  return copySpecial.test(value) ? value.replace(copySpecialAll, (char) => copyEscapes[char]!) : value;
}

const arrayItemSpecial = /["\\\n\r\t]/;
const arrayItemSpecialAll = /["\\\n\r\t]/g;
// Array-literal escaping (\" and \\) and COPY escaping (backslashes doubled, \n \r \t) in one pass.
const arrayItemEscapes: Record<string, string> = { '"': '\\\\"', '\\': '\\\\\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A text[] value: every element quoted, so empty strings, commas and braces survive. */
export function copyTextArray(items: readonly string[] | null): string {
  if (items === null) return '\\N';
  let literal = '{';
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    literal += i === 0 ? '"' : ',"';
    literal += arrayItemSpecial.test(item) ? item.replace(arrayItemSpecialAll, (char) => arrayItemEscapes[char]!) : item;
    literal += '"';
  }
  return `${literal}}`;
}

// Any NUL or surrogate; the careful (pair-aware) check runs only when this matches.
const maybeUnstorable = /[\u0000\uD800-\uDFFF]/;

/** Original cells are shown back to people as they were; PostgreSQL cannot store NUL or lone surrogates, so those become U+FFFD. */
export function storableCell(cell: string): string {
  if (!maybeUnstorable.test(cell) || isStorableText(cell)) return cell;
  return cell.replace(/\u0000/g, '\uFFFD').replace(/[\uD800-\uDFFF]/gu, '\uFFFD');
}

// Cells are stored as one text joined by U+001F (unit separator): cheaper for PostgreSQL to take in
// than text[], and only UTF-16 files can hold that character (the reader refuses control bytes in
// others). A row that does hold U+001E or U+001F is stored as U+001E followed by its JSON array.
const UNIT = '\u001f';
const JSON_MARK = '\u001e';
const separators = /[\u001e\u001f]/;
// Anything that needs the slow path: a separator, NUL or a surrogate.
const unusual = /[\u0000\u001e\u001f\uD800-\uDFFF]/;

/** The cells as one storable text (see decodeCells). */
export function encodeCells(cells: readonly string[]): string {
  let plain = true;
  for (let i = 0; i < cells.length && plain; i++) plain = !unusual.test(cells[i]!);
  if (plain) return cells.join(UNIT);
  const storable = cells.map(storableCell);
  return storable.some((cell) => separators.test(cell)) ? JSON_MARK + JSON.stringify(storable) : storable.join(UNIT);
}

export function decodeCells(stored: string): string[] {
  return stored.startsWith(JSON_MARK) ? (JSON.parse(stored.slice(1)) as string[]) : stored.split(UNIT);
}

/**
 * Builds COPY text straight into UTF-8 bytes, field by field: cheaper than concatenating a line
 * per row and encoding it afterwards, and the bytes can be moved to another thread as they are.
 */
export class CopyRowBuffer {
  private bytes: Buffer;
  private length = 0;

  constructor(capacity = 256 * 1024) {
    // Not from Node's shared pool: the underlying ArrayBuffer is this buffer's alone, so it can be transferred.
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  /** A text field (escaped; null is \N) followed by a tab, or by a newline when `last`. */
  field(value: string | null, last = false): void {
    const text = copyValue(value);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(text.length * 3 + 1);
    this.length += this.bytes.write(text, this.length, 'utf8');
    this.bytes[this.length++] = last ? 0x0a : 0x09;
  }

  /** A field already in COPY form (a number, an array literal, \N). */
  raw(text: string, last = false): void {
    this.reserve(text.length * 3 + 1);
    this.length += this.bytes.write(text, this.length, 'utf8');
    this.bytes[this.length++] = last ? 0x0a : 0x09;
  }

  /** The rows written so far; the buffer may be larger than its content. */
  finish(): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.length);
  }

  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + more));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}
