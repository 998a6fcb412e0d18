import { inputGuard } from '../../../platform/untrusted-input.ts';
import { type ByteStream, cellText, type OpenFile, type RecordProblem, TableFileError, type TableItem, type TableReadOptions, type TableRecord } from './table-reader.ts';

/**
 * JSON imports (docs/vendor-migration.md#formats): an array of objects, an object whose array property holds them
 * (`{"users": [...]}`, as Firebase's auth:export writes), or NDJSON (one object per line).
 *
 * Two passes over the stored file keep memory flat: the first collects the union of keys (the
 * header), the second hands out rows. A scanner finds where each array element starts and ends
 * (strings skipped with indexOf), and JSON.parse reads the element: V8's parser does the work.
 * The first pass runs every record through the input guard before anything parses it: keys per
 * object and in all, nesting depth, number length (docs/security.md). A record nested 200,000 deep
 * overflowed the stack when turned back into a cell, and one with 200,000 keys became 200,001 columns.
 */
const QUOTE = 0x22, BACKSLASH = 0x5c, LF = 0x0a, CR = 0x0d, TAB = 0x09, SPACE = 0x20;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, COMMA = 0x2c, COLON = 0x3a;

interface JsonElement {
  line: number;
  value?: unknown;
  /** The element's text, when read without parsing (the first pass). */
  text?: string;
  problem?: RecordProblem;
}

export async function* readJsonTable(open: OpenFile, format: 'json' | 'ndjson', opts: TableReadOptions = {}): AsyncGenerator<TableItem> {
  const flatten = new Set(opts.flatten ?? []);
  const elements = (parse: boolean) => (format === 'json' ? jsonArrayElements(open(), parse) : ndjsonElements(open(), parse));

  // First pass: the keys only, every record checked by the guard. Scanning an object's top-level keys costs
  // a fraction of JSON.parse; a record only gets parsed when it brings a new key (or a preset spreads nested objects).
  const keyIndex = new Map<string, number>();
  let keyChars = 0;
  const addKey = (key: string, line: number) => {
    if (keyIndex.has(key)) return;
    keyIndex.set(key, keyIndex.size);
    keyChars += key.length;
    inputGuard.columns(keyIndex.size, line, 'The records together');
    inputGuard.headerChars(keyChars, line);
  };
  for await (const batch of elements(false)) {
    for (const element of batch) {
      if (element.text === undefined) continue;
      const keys = guardedTopLevelKeys(element.text, element.line);
      if (flatten.size === 0 && !keys.some((key) => !keyIndex.has(key))) continue;
      const object = asRecord(parseOrUndefined(element.text), flatten);
      if (object) for (const key in object) addKey(key, element.line);
    }
  }
  yield { format, encoding: 'utf-8', delimiter: null, columns: [...keyIndex.keys()] };

  let row = 0;
  const width = keyIndex.size;
  for await (const batch of elements(true)) {
    const records: TableRecord[] = [];
    for (const element of batch) {
      row++;
      if (element.problem) {
        records.push({ row, line: element.line, fields: [], problem: element.problem });
        continue;
      }
      const object = asRecord(element.value, flatten);
      if (!object) {
        records.push({ row, line: element.line, fields: [], problem: { code: 'not_an_object', message: `The record on line ${element.line} is ${describe(element.value)}, not an object` } });
        continue;
      }
      const fields = new Array<string>(width).fill('');
      let typed: number[] | undefined;
      for (const key in object) {
        const value = object[key];
        const position = keyIndex.get(key)!;
        fields[position] = cellText(value);
        // Metadata keeps the JSON type (metadata-cells.ts); other fields read the text.
        if (typeof value !== 'string') (typed ??= []).push(position);
      }
      records.push({ row, line: element.line, fields, ...(typed ? { typed } : {}) });
    }
    if (records.length > 0) yield records;
  }
}

function asRecord(value: unknown, flatten: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  if (flatten.size === 0) return object;
  const flat: Record<string, unknown> = {};
  for (const key in object) {
    const inner = object[key];
    if (flatten.has(key) && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      for (const child in inner as Record<string, unknown>) flat[`${key}.${child}`] = (inner as Record<string, unknown>)[child];
    } else {
      flat[key] = inner;
    }
  }
  return flat;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** UTF-8 (BOM dropped) or UTF-16 with a BOM; bytes that are not UTF-8 fail the file. */
async function* decodeJsonText(source: ByteStream): AsyncGenerator<string> {
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (!decoder) {
        const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
        decoder = new TextDecoder(utf16 ?? 'utf-8', { fatal: true });
      }
      const text = decoder.decode(bytes, { stream: true });
      if (text) yield text;
    }
    if (decoder) {
      const rest = decoder.decode();
      if (rest) yield rest;
    }
  } catch (error) {
    if (error instanceof TypeError) throw new TableFileError('invalid_encoding', 'The JSON file is not valid UTF-8 text.');
    throw error;
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isNumberPart = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/**
 * The keys of a JSON object's text at its top level, without parsing its values ([] for anything else),
 * checking the record against the input guard on the way: its depth, its keys and its numbers' length.
 */
export function guardedTopLevelKeys(text: string, line: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  let numberStart = -1;
  const n = text.length;
  const isObject = text.trimStart().charCodeAt(0) === OPEN_BRACE;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (numberStart >= 0) {
      if (isNumberPart(c)) continue;
      inputGuard.numberChars(i - numberStart, line);
      numberStart = -1;
    }
    if (c === QUOTE) {
      const end = stringEnd(text, i + 1);
      if (end < 0) break;
      if (depth === 1 && isObject) {
        let j = end + 1;
        while (j < n && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB || text.charCodeAt(j) === LF || text.charCodeAt(j) === CR)) j++;
        if (text.charCodeAt(j) === COLON) {
          const raw = text.slice(i + 1, end);
          keys.push(raw.includes('\\') ? (parseOrUndefined(`"${raw}"`) as string | undefined) ?? raw : raw);
          inputGuard.columns(keys.length, line, `The record on line ${line}`);
        }
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      inputGuard.depth(++depth, line);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      numberStart = i;
    }
  }
  if (numberStart >= 0) inputGuard.numberChars(n - numberStart, line);
  return keys;
}

async function* ndjsonElements(source: ByteStream, parse = true): AsyncGenerator<JsonElement[]> {
  let pending = '';
  let line = 0;
  let first = true;
  const parseLine = (text: string, out: JsonElement[]) => {
    line++;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() === '') return;
    if (!parse) return void out.push({ line, text: trimmed });
    try {
      out.push({ line, value: JSON.parse(trimmed) });
    } catch (error) {
      out.push({ line, problem: { code: 'invalid_json_line', message: `Line ${line} is not JSON: ${(error as Error).message}` } });
    }
  };
  for await (let text of decodeJsonText(source)) {
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    const out: JsonElement[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      parseLine(pending + text.slice(start, end), out);
      pending = '';
      start = end + 1;
    }
    pending += text.slice(start);
    inputGuard.recordChars(pending.length, line + 1, `Line ${line + 1}`);
    if (out.length > 0) yield out;
  }
  const out: JsonElement[] = [];
  if (pending !== '') parseLine(pending, out);
  if (out.length > 0) yield out;
}

const enum Phase { Start, FindArray, Elements, After }

/** The elements of the top-level array, or of the first array property of a top-level object. */
async function* jsonArrayElements(source: ByteStream, parse = true): AsyncGenerator<JsonElement[]> {
  let text = '';
  let pos = 0;
  let line = 1;
  let depth = 0;
  let phase = Phase.Start;
  let target = 0;
  let expectElement = false;
  let previous = 0;
  let elementStart = -1;
  let elementLine = 0;
  let primitive = false;
  let first = true;
  const invalid = (what: string) => new TableFileError('invalid_json', `The JSON is malformed on line ${line}: ${what}.`, line);
  const emit = (out: JsonElement[], end: number) => {
    const raw = text.slice(elementStart, end);
    elementStart = -1;
    if (!parse) return void out.push({ line: elementLine, text: raw });
    try {
      out.push({ line: elementLine, value: JSON.parse(raw) });
    } catch (error) {
      throw new TableFileError('invalid_json', `The record starting on line ${elementLine} is not valid JSON: ${(error as Error).message}`, elementLine);
    }
    elementStart = -1;
  };

  for await (let chunk of decodeJsonText(source)) {
    if (first) {
      chunk = chunk.replace(/^\uFEFF/, '');
      first = false;
    }
    text += chunk;
    const out: JsonElement[] = [];
    const n = text.length;
    let i = pos;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const end = stringEnd(text, i + 1);
        if (end < 0) break;
        if (phase === Phase.Elements && depth === target) {
          if (!expectElement) throw invalid('two values without a comma between them');
          throw invalid('a string where a record (an object) should be');
        }
        if (phase === Phase.Start || phase === Phase.After && target === 1) throw invalid('text outside the array');
        i = end;
        previous = QUOTE;
        continue;
      }
      if (c === LF) { line++; continue; }
      if (c === SPACE || c === TAB || c === CR) continue;
      if (phase === Phase.Elements) {
        if (depth === target) {
          if (primitive) {
            if (c !== COMMA && c !== CLOSE_BRACKET) continue;
            out.push({ line: elementLine, problem: { code: 'not_an_object', message: `The record on line ${elementLine} is ${text.slice(elementStart, i).trim().slice(0, 40)}, not an object` } });
            elementStart = -1;
            primitive = false;
          }
          if (c === CLOSE_BRACKET) {
            depth--;
            phase = Phase.After;
          } else if (c === COMMA) {
            if (expectElement) throw invalid('a comma where a record should be');
            expectElement = true;
          } else if (expectElement) {
            expectElement = false;
            elementStart = i;
            elementLine = line;
            if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
            else primitive = true;
          } else {
            throw invalid('two values without a comma between them');
          }
        } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          depth++;
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth--;
          if (depth === target) emit(out, i + 1);
        }
        continue;
      }
      if (phase === Phase.Start) {
        if (c === OPEN_BRACKET) {
          depth = target = 1;
          phase = Phase.Elements;
          expectElement = true;
        } else if (c === OPEN_BRACE) {
          depth = 1;
          phase = Phase.FindArray;
        } else {
          throw new TableFileError('json_not_an_array', 'The JSON is not an array of records, nor an object holding one.', line);
        }
        continue;
      }
      if (phase === Phase.FindArray) {
        if (c === OPEN_BRACKET && depth === 1 && previous === COLON) {
          depth = target = 2;
          phase = Phase.Elements;
          expectElement = true;
          continue;
        }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (--depth === 0) throw new TableFileError('json_not_an_array', 'The JSON object holds no array of records: give an array, or an object with one array property.', line);
        }
        previous = c;
        continue;
      }
      // After the records: a plain array must end; a wrapping object only has to close properly.
      if (target === 1) throw invalid('text after the array');
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth < 0) throw invalid('an unmatched closing bracket');
      }
    }
    // Keep what is not consumed yet: the element in progress, or the string cut by the chunk's end.
    const keep = elementStart >= 0 ? elementStart : i;
    text = text.slice(keep);
    pos = i - keep;
    if (elementStart >= 0) elementStart = 0;
    inputGuard.recordChars(text.length, elementLine || line, `The record starting on line ${elementLine || line}`);
    if (out.length > 0) yield out;
  }
  if (phase === Phase.Start) throw new TableFileError('empty_file', 'The file is empty.');
  if (phase !== Phase.After || depth !== 0 || text.slice(pos).trim() !== '') throw invalid('the file ends before its array (or object) closes');
}

/** Index of the quote that closes a string whose content starts at `from`; -1 if not in `text` yet. */
function stringEnd(text: string, from: number): number {
  for (let j = text.indexOf('"', from); j >= 0; j = text.indexOf('"', j + 1)) {
    let slashes = 0;
    for (let k = j - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return j;
  }
  return -1;
}
