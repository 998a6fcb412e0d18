import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { inputGuard, inputLimits } from '../../../platform/untrusted-input.ts';
import { type OpenFile, TableFileError, type TableItem, type TableReadOptions, type TableRecord } from './table-reader.ts';
import { excelSerialToIso } from '../validation/cell-dates.ts';
import { dateStyles } from './xlsx-dates.ts';
import { attribute, brokenXlsx as broken, decodeXml, eachTag, nextTag, textRuns } from './xlsx-xml.ts';

/**
 * The first sheet of an .xlsx workbook, streamed. Read with yauzl and a small scanner rather than
 * exceljs's streaming WorkbookReader: that reader walks the ZIP in file order and hands out
 * `{sharedString: n}` placeholders when xl/sharedStrings.xml comes after the sheet, as Excel
 * writes it (STACK-NOTES). yauzl reads the central directory, so the shared strings are read
 * first, whatever the order. The shared-string table is held in memory (it is the file's
 * distinct texts); the sheet itself streams a row at a time. Every count that makes it allocate
 * (columns, shared strings, characters, nesting) goes through the input guard first (docs/security.md).
 */
// Excel's last column is XFD (16,384): a reference past it is no workbook's, and fails the file.
const EXCEL_COLUMNS = 16_384;
const MAX_COLUMN_LETTERS = 3;

export async function* readXlsxTable(open: OpenFile, opts: TableReadOptions = {}): AsyncGenerator<TableItem> {
  if (opts.localFile) return yield* readZipFile(opts.localFile);
  // yauzl needs random access: the stored file is copied to a private temporary folder first.
  const folder = await mkdtemp(path.join(os.tmpdir(), 'roster-xlsx-'));
  try {
    const file = path.join(folder, 'workbook.xlsx');
    await pipeline(Readable.from(open()), createWriteStream(file, { mode: 0o600 }));
    yield* readZipFile(file);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function* readZipFile(file: string): AsyncGenerator<TableItem> {
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
  const dates = entries.has('xl/styles.xml') ? dateStyles(await entryText(zip, entries.get('xl/styles.xml')!)) : new Set<number>();

  let header: string[] | undefined;
  let row = 0;
  let batch: TableRecord[] = [];
  for await (const rows of sheetRows(zip, sheet)) {
    for (const { number, xml } of rows) {
      // The header may be as wide as the column limit; a row keeps a few fields past the header, the rest are counted.
      const { cells, dropped } = rowCells(xml, shared, number, header ? header.length + inputLimits.extraFieldsKept : undefined, dates);
      if (cells.every((cell) => cell.trim() === '') && dropped === 0) continue;
      if (!header) {
        let width = cells.length;
        while (width > 0 && cells[width - 1]!.trim() === '') width--;
        header = cells.slice(0, width).map((cell) => cell.trim());
        let nameChars = 0;
        for (const name of header) nameChars += name.length;
        inputGuard.headerChars(nameChars, number);
        yield { format: 'xlsx', encoding: null, delimiter: null, columns: header };
        continue;
      }
      // Excel leaves empty cells out: a short row is padded; a value past the header's last column makes it too long.
      let width = cells.length;
      while (width > header.length && cells[width - 1] === '') width--;
      const fields = cells.slice(0, width);
      while (fields.length < header.length) fields.push('');
      batch.push({ row: ++row, line: number, fields, ...(dropped > 0 ? { droppedFields: dropped } : {}) });
    }
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (!header) throw new TableFileError('empty_file', 'The first sheet of the workbook is empty.');
}

/** A small part of the workbook (workbook.xml, its relationships) read whole, within the guard's bound. */
async function entryText(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  let text = '';
  for await (const chunk of entryChunks(zip, entry)) {
    text += chunk;
    inputGuard.sharedStringChars(text.length, entry.fileName);
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
  let relId: string | undefined;
  for (const tag of eachTag(await entryText(zip, workbook))) {
    if (tag.name !== 'sheet') continue;
    relId = attribute(tag.text, 'r:id');
    break;
  }
  if (relId && rels) {
    for (const tag of eachTag(await entryText(zip, rels))) {
      if (tag.name !== 'Relationship' || attribute(tag.text, 'Id') !== relId) continue;
      const target = attribute(tag.text, 'Target') ?? '';
      return target.startsWith('/') ? target.slice(1) : path.posix.normalize(`xl/${target}`);
    }
  }
  return 'xl/worksheets/sheet1.xml';
}

/** The shared-string table: entries and characters counted by the guard as they come (125 million `<si/>` fail early). */
async function readSharedStrings(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string[]> {
  const strings: string[] = [];
  let text = '';
  let chars = 0;
  // Where the search for the open item's `</si>` resumes: earlier text was searched already.
  let closeFrom = 0;
  for await (const chunk of entryChunks(zip, entry)) {
    text += chunk;
    let start = 0;
    for (;;) {
      const open = nextTag(text, 'si', start);
      if (open < 0) {
        // Keep a tag cut by the chunk's end ("<s").
        start = Math.max(start, text.length - 3);
        break;
      }
      const tagEnd = text.indexOf('>', open);
      if (tagEnd < 0) {
        start = open;
        break;
      }
      let item = '';
      let next = tagEnd + 1;
      if (text.charCodeAt(tagEnd - 1) !== 0x2f) {
        const close = text.indexOf('</si>', Math.max(tagEnd, closeFrom));
        if (close < 0) {
          inputGuard.recordChars(text.length - open, undefined, `Shared string ${strings.length + 1} of the workbook`);
          closeFrom = Math.max(tagEnd, text.length - 4);
          start = open;
          break;
        }
        item = textRuns(text.slice(tagEnd + 1, close));
        next = close + 5;
      }
      inputGuard.sharedStrings(strings.length + 1);
      chars += item.length;
      inputGuard.sharedStringChars(chars);
      strings.push(item);
      start = next;
    }
    closeFrom -= start;
    if (closeFrom < 0) closeFrom = 0;
    text = text.slice(start);
  }
  return strings;
}

/** The column of a reference such as `AB12` (0 for A), or -1 when it has no letters; past XFD it is Infinity. */
function columnIndex(reference: string): number {
  let index = 0;
  let letters = 0;
  for (let i = 0; i < reference.length; i++) {
    const c = reference.charCodeAt(i);
    if (c < 65 || c > 90) break;
    if (++letters > MAX_COLUMN_LETTERS) return Number.POSITIVE_INFINITY;
    index = index * 26 + (c - 64);
  }
  return index - 1;
}

interface SheetRow {
  number: number;
  /** What is between `<row …>` and `</row>`. */
  xml: string;
}

async function* sheetRows(zip: yauzl.ZipFile, sheet: yauzl.Entry): AsyncGenerator<SheetRow[]> {
  let text = '';
  let lastRow = 0;
  // Where the search for the open row's `</row>` resumes: earlier text was searched already.
  let closeFrom = 0;
  for await (const chunk of entryChunks(zip, sheet)) {
    text += chunk;
    const rows: SheetRow[] = [];
    let start = 0;
    for (;;) {
      const open = nextTag(text, 'row', start);
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
      const stated = Number(attribute(tag, 'r'));
      const number = Number.isSafeInteger(stated) && stated > 0 ? stated : lastRow + 1;
      if (tag.endsWith('/>')) {
        lastRow = number;
        start = tagEnd + 1;
        continue;
      }
      const close = text.indexOf('</row>', Math.max(tagEnd, closeFrom));
      if (close < 0) {
        closeFrom = Math.max(tagEnd, text.length - 5);
        start = open;
        break;
      }
      lastRow = number;
      rows.push({ number, xml: text.slice(tagEnd + 1, close) });
      start = close + 6;
    }
    closeFrom = Math.max(0, closeFrom - start);
    text = text.slice(start);
    inputGuard.recordChars(text.length, lastRow + 1, `Row ${lastRow + 1} of the sheet`);
    if (rows.length > 0) yield rows;
  }
}

/**
 * The cells of one row, by column. `width` bounds a data row: a value past it is counted, not placed
 * (an empty string per skipped column up to ZZZZZZZ was finding 1 of issue #19). Without `width` (the
 * header) a value past the column limit fails the file.
 */
function rowCells(xml: string, shared: readonly string[], rowNumber: number, width?: number, dates?: ReadonlySet<number>): { cells: string[]; dropped: number } {
  const cells: string[] = [];
  let dropped = 0;
  let next = 0;
  for (let open = nextTag(xml, 'c', 0); open >= 0; ) {
    const tagEnd = xml.indexOf('>', open);
    if (tagEnd < 0) throw broken(`a cell tag in row ${rowNumber} is never closed`);
    const tag = xml.slice(open, tagEnd + 1);
    const reference = attribute(tag, 'r');
    const index = reference ? columnIndex(reference) : next;
    next = index + 1;
    if (tag.endsWith('/>')) {
      open = nextTag(xml, 'c', tagEnd + 1);
      continue;
    }
    const close = xml.indexOf('</c>', tagEnd);
    if (close < 0) throw broken(`a cell in row ${rowNumber} is never closed`);
    const value = cellValue(tag, xml.slice(tagEnd + 1, close), shared, dates);
    open = nextTag(xml, 'c', close + 4);
    if (value === undefined) continue;
    if (index < 0) throw broken(`a cell reference in row ${rowNumber} names no column`);
    if (width === undefined || index >= EXCEL_COLUMNS) inputGuard.columns(index + 1, rowNumber, `Row ${rowNumber} of the sheet`);
    else if (index >= width) {
      dropped++;
      continue;
    }
    while (cells.length < index) cells.push('');
    cells[index] = value;
  }
  return { cells, dropped };
}

/** A cell's text from its tag and body; undefined for a cell with no value. */
function cellValue(tag: string, body: string, shared: readonly string[], dates?: ReadonlySet<number>): string | undefined {
  const type = attribute(tag, 't');
  if (type === 'inlineStr') return textRuns(body);
  const valueStart = nextTag(body, 'v', 0);
  if (valueStart < 0) return undefined;
  const valueTagEnd = body.indexOf('>', valueStart);
  const valueEnd = body.indexOf('</v>', valueTagEnd);
  if (valueTagEnd < 0 || valueEnd < 0) return undefined;
  const raw = body.slice(valueTagEnd + 1, valueEnd);
  if (type === 's') return shared[Number(raw)] ?? '';
  if (type === 'b') return raw === '1' ? 'true' : 'false';
  if (type === 'str' || type === 'e') return decodeXml(raw);
  // A number in a date-formatted cell is a date (xlsx-dates.ts).
  if (dates && dates.size > 0 && dates.has(Number(attribute(tag, 's') ?? '-1'))) return excelSerialToIso(Number(raw)) ?? numberText(raw);
  return numberText(raw);
}

/** A number cell as people typed it: 33612345678, not 3.3612345678E10. */
function numberText(raw: string): string {
  const value = Number(raw);
  if (!Number.isFinite(value)) return raw;
  return String(value);
}
