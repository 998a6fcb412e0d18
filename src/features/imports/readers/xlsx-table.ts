import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { type OpenFile, TableFileError, type TableItem, type TableReadOptions, type TableRecord } from './table-reader.ts';

/**
 * The first sheet of an .xlsx workbook, streamed. Read with yauzl and a small scanner rather than
 * exceljs's streaming WorkbookReader: that reader walks the ZIP in file order and hands out
 * `{sharedString: n}` placeholders when xl/sharedStrings.xml comes after the sheet, as Excel
 * writes it (STACK-NOTES). yauzl reads the central directory, so the shared strings are read
 * first, whatever the order. The shared-string table is held in memory (it is the file's
 * distinct texts); the sheet itself streams a row at a time.
 */
// Past this the shared strings are not a user table's (a decompression bomb, or not our kind of file).
const MAX_SHARED_STRING_CHARS = 256 << 20;
const MAX_ROW_CHARS = 8 << 20;

export async function* readXlsxTable(open: OpenFile, opts: TableReadOptions = {}): AsyncGenerator<TableItem> {
  // yauzl needs random access: the stored file is copied to a private temporary folder first.
  const folder = await mkdtemp(path.join(opts.tempDir ?? os.tmpdir(), 'roster-xlsx-'));
  try {
    const file = path.join(folder, 'workbook.xlsx');
    await pipeline(Readable.from(open()), createWriteStream(file, { mode: 0o600 }));
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: false });
    } catch (error) {
      throw broken(`it is not a ZIP archive (${(error as Error).message})`);
    }
    try {
      yield* readWorkbook(zip);
    } finally {
      zip.close();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function broken(why: string): TableFileError {
  return new TableFileError('invalid_xlsx', `The file cannot be read as an Excel workbook: ${why}.`);
}

async function* readWorkbook(zip: yauzl.ZipFile): AsyncGenerator<TableItem> {
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) entries.set(entry.fileName.replace(/^\/+/, ''), entry);
  } catch (error) {
    throw broken((error as Error).message);
  }
  const sheetPath = await firstSheetPath(zip, entries);
  const sheet = entries.get(sheetPath);
  if (!sheet) throw broken(`the first sheet (${sheetPath}) is missing`);
  const shared = entries.has('xl/sharedStrings.xml') ? await readSharedStrings(zip, entries.get('xl/sharedStrings.xml')!) : [];

  let header: string[] | undefined;
  let row = 0;
  let batch: TableRecord[] = [];
  for await (const rows of sheetRows(zip, sheet, shared)) {
    for (const { number, cells } of rows) {
      if (cells.every((cell) => cell.trim() === '')) continue;
      if (!header) {
        let width = cells.length;
        while (width > 0 && cells[width - 1]!.trim() === '') width--;
        header = cells.slice(0, width).map((cell) => cell.trim());
        yield { format: 'xlsx', encoding: null, delimiter: null, columns: header };
        continue;
      }
      // Excel leaves empty cells out: a short row is padded; a value past the header's last column makes it too long.
      let width = cells.length;
      while (width > header.length && cells[width - 1] === '') width--;
      const fields = cells.slice(0, width);
      while (fields.length < header.length) fields.push('');
      batch.push({ row: ++row, line: number, fields });
    }
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (!header) throw new TableFileError('empty_file', 'The first sheet of the workbook is empty.');
}

async function entryText(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  let text = '';
  for await (const chunk of entryChunks(zip, entry)) {
    text += chunk;
    if (text.length > MAX_SHARED_STRING_CHARS) throw broken(`${entry.fileName} is too large`);
  }
  return text;
}

async function* entryChunks(zip: yauzl.ZipFile, entry: yauzl.Entry): AsyncGenerator<string> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw broken((error as Error).message);
  }
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream) yield decoder.decode(chunk as Buffer, { stream: true });
  } catch (error) {
    throw broken(`${entry.fileName}: ${(error as Error).message}`);
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The workbook's first sheet in tab order, through its relationship; sheet1.xml if the workbook does not say. */
async function firstSheetPath(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>): Promise<string> {
  const workbook = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (!workbook) {
    if (entries.has('xl/worksheets/sheet1.xml')) return 'xl/worksheets/sheet1.xml';
    throw broken('it has no xl/workbook.xml (is it an .xlsx file?)');
  }
  const sheetTag = /<(?:\w+:)?sheet\b[^>]*>/.exec(await entryText(zip, workbook))?.[0];
  const relId = sheetTag && /\br:id="([^"]+)"/.exec(sheetTag)?.[1];
  if (relId && rels) {
    for (const tag of (await entryText(zip, rels)).match(/<Relationship\b[^>]*>/g) ?? []) {
      if (attribute(tag, 'Id') !== relId) continue;
      const target = attribute(tag, 'Target') ?? '';
      return target.startsWith('/') ? target.slice(1) : path.posix.normalize(`xl/${target}`);
    }
  }
  return 'xl/worksheets/sheet1.xml';
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

async function readSharedStrings(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string[]> {
  const strings: string[] = [];
  let text = '';
  let chars = 0;
  for await (const chunk of entryChunks(zip, entry)) {
    text += chunk;
    let start = 0;
    for (let end = text.indexOf('</si>', start); end >= 0; end = text.indexOf('</si>', start)) {
      const open = text.indexOf('<si', start);
      const item = textRuns(text.slice(open, end));
      chars += item.length;
      strings.push(item);
      start = end + 5;
    }
    text = text.slice(start);
    if (chars + text.length > MAX_SHARED_STRING_CHARS) throw broken('its shared strings are too large');
  }
  return strings;
}

/** The text of an <si> or <is>: every <t> run, leaving out phonetic guides (<rPh>). */
function textRuns(xml: string): string {
  const plain = xml.includes('<rPh') ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
  let out = '';
  for (const match of plain.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)) out += match[1];
  return decodeXml(out);
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  let out = text.includes('&')
    ? text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g, (whole, name: string) => {
        if (name[0] === '#') return String.fromCodePoint(name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)));
        return entities[name] ?? whole;
      })
    : text;
  // OOXML escapes characters XML cannot hold as _xHHHH_.
  if (out.includes('_x')) out = out.replace(/_x([0-9A-Fa-f]{4})_/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return out;
}

function columnIndex(reference: string): number {
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const c = reference.charCodeAt(i);
    if (c < 65 || c > 90) break;
    index = index * 26 + (c - 64);
  }
  return index - 1;
}

interface SheetRow {
  number: number;
  cells: string[];
}

async function* sheetRows(zip: yauzl.ZipFile, sheet: yauzl.Entry, shared: readonly string[]): AsyncGenerator<SheetRow[]> {
  let text = '';
  let lastRow = 0;
  for await (const chunk of entryChunks(zip, sheet)) {
    text += chunk;
    const rows: SheetRow[] = [];
    let start = 0;
    for (;;) {
      const open = nextRowTag(text, start);
      if (open < 0) {
        // Keep a tag cut by the chunk's end ("<ro").
        start = Math.max(start, text.length - 4);
        break;
      }
      const tagEnd = text.indexOf('>', open);
      if (tagEnd < 0) {
        start = open;
        break;
      }
      const tag = text.slice(open, tagEnd + 1);
      const number = Number(attribute(tag, 'r') ?? lastRow + 1);
      lastRow = number;
      if (tag.endsWith('/>')) {
        start = tagEnd + 1;
        continue;
      }
      const close = text.indexOf('</row>', tagEnd);
      if (close < 0) {
        start = open;
        lastRow = number - 1;
        break;
      }
      rows.push({ number, cells: rowCells(text.slice(tagEnd + 1, close), shared) });
      start = close + 6;
    }
    text = text.slice(start);
    if (text.length > MAX_ROW_CHARS) throw broken(`row ${lastRow + 1} of the sheet is over ${MAX_ROW_CHARS >> 20} MiB`);
    if (rows.length > 0) yield rows;
  }
}

/** The next `<row` tag (not `<rowBreaks>`), or -1. */
function nextRowTag(text: string, from: number): number {
  for (let at = text.indexOf('<row', from); at >= 0; at = text.indexOf('<row', at + 4)) {
    const next = text.charCodeAt(at + 4);
    if (next === 0x20 || next === 0x3e || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d || Number.isNaN(next)) return at;
  }
  return -1;
}

const cellPattern = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

function rowCells(xml: string, shared: readonly string[]): string[] {
  const cells: string[] = [];
  let next = 0;
  for (const match of xml.matchAll(cellPattern)) {
    const attributes = match[1]!;
    const reference = attribute(` ${attributes}`, 'r');
    const index = reference ? columnIndex(reference) : next;
    next = index + 1;
    const body = match[2];
    if (body === undefined) continue;
    const type = attribute(` ${attributes}`, 't');
    let value: string;
    if (type === 'inlineStr') {
      value = textRuns(body);
    } else {
      const raw = /<v>([^<]*)<\/v>/.exec(body)?.[1];
      if (raw === undefined) continue;
      if (type === 's') value = shared[Number(raw)] ?? '';
      else if (type === 'b') value = raw === '1' ? 'true' : 'false';
      else if (type === 'str' || type === 'e') value = decodeXml(raw);
      else value = numberText(raw);
    }
    while (cells.length < index) cells.push('');
    cells[index] = value;
  }
  return cells;
}

/** A number cell as people typed it: 33612345678, not 3.3612345678E10. */
function numberText(raw: string): string {
  const value = Number(raw);
  if (!Number.isFinite(value)) return raw;
  return String(value);
}
