/**
 * The one guard every reader of an uploaded file goes through (CSV, xlsx, JSON, NDJSON, a face ZIP's
 * manifest). Each limit is checked on a count the reader already has, before it allocates for more;
 * past a limit the file fails at once with the limit's code, the same code whatever the format.
 * docs/security.md lists them; a test checks that list against `inputLimitCodes`.
 *
 * Why a guard and not each reader's own caps: the CSV reader had caps, the xlsx and JSON readers added
 * after it did not, and a 260-byte workbook asking for column ZZZZZZZ killed the process (issue #19).
 */
export const inputLimits = {
  /** Columns of a header (CSV, the xlsx first row, the union of JSON keys) and keys of one JSON object. */
  columns: 1_000,
  /** Characters of all column names together. */
  headerChars: 256 * 1024,
  /** Characters of one record (a CSV line, an xlsx row's XML, a JSON element or NDJSON line). */
  recordChars: 8 << 20,
  /** Fields past the header's count kept on a row (the rest are counted, not held). */
  extraFieldsKept: 10,
  /** Nesting of one JSON record, or of XML tags inside one xlsx cell or shared string. */
  depth: 64,
  /** Characters of one JSON number: past this it cannot be a value a person typed. */
  numberChars: 64,
  /** Entries of an xlsx shared-string table (an empty `<si/>` costs memory too). */
  sharedStrings: 4_000_000,
  /** Characters of an xlsx shared-string table, and of the workbook's other XML parts read whole. */
  sharedStringChars: 128 << 20,
  /** Entries of a face ZIP, and rows of its manifest.csv together with the images it does not list. */
  archiveEntries: 200_000,
} as const;

export const inputLimitCodes = [
  'too_many_columns',
  'header_too_long',
  'record_too_large',
  'too_deeply_nested',
  'number_too_long',
  'too_many_shared_strings',
  'shared_strings_too_large',
  'too_many_entries',
] as const;
export type InputLimitCode = (typeof inputLimitCodes)[number];

/** A file past one of `inputLimits`; the import (or face import) fails with `code`, never retried. */
export class InputLimitError extends Error {
  constructor(
    readonly code: InputLimitCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'InputLimitError';
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** The checks, one per limit: each throws InputLimitError when `n` is past its limit. */
export const inputGuard = {
  columns(n: number, line?: number, what = 'The header'): void {
    if (n > inputLimits.columns) throw new InputLimitError('too_many_columns', `${what} has more than ${count(inputLimits.columns)} columns; an import file may have at most ${count(inputLimits.columns)}.`, line);
  },
  headerChars(n: number, line?: number): void {
    if (n > inputLimits.headerChars) throw new InputLimitError('header_too_long', `The header's column names take ${count(n)} characters; at most ${count(inputLimits.headerChars)} are read.`, line);
  },
  recordChars(n: number, line: number | undefined, what: string): void {
    if (n > inputLimits.recordChars) throw new InputLimitError('record_too_large', `${what} runs on for over ${inputLimits.recordChars >> 20} MiB: this is not a user record.`, line);
  },
  depth(n: number, line?: number): void {
    if (n > inputLimits.depth) throw new InputLimitError('too_deeply_nested', `The record${line === undefined ? '' : ` on line ${line}`} nests more than ${inputLimits.depth} levels deep.`, line);
  },
  numberChars(n: number, line?: number): void {
    if (n > inputLimits.numberChars) throw new InputLimitError('number_too_long', `A number${line === undefined ? '' : ` on line ${line}`} is ${count(n)} characters long; at most ${inputLimits.numberChars} are read.`, line);
  },
  sharedStrings(n: number): void {
    if (n > inputLimits.sharedStrings) throw new InputLimitError('too_many_shared_strings', `The workbook's shared-string table has more than ${count(inputLimits.sharedStrings)} entries.`);
  },
  sharedStringChars(n: number, part = 'shared-string table'): void {
    if (n > inputLimits.sharedStringChars) throw new InputLimitError('shared_strings_too_large', `The workbook's ${part} is over ${inputLimits.sharedStringChars >> 20} Mi characters.`);
  },
  entries(n: number, what: string): void {
    if (n > inputLimits.archiveEntries) throw new InputLimitError('too_many_entries', `${what} has more than ${count(inputLimits.archiveEntries)} entries; a face import takes at most ${count(inputLimits.archiveEntries)}.`);
  },
};
