import { inputGuard } from '../../../platform/untrusted-input.ts';
import { TableFileError } from './table-reader.ts';

/**
 * The little XML an .xlsx reader needs, scanned by hand in one pass: every search moves forward
 * (indexOf from where the last one ended) and no regular expression runs over the file's text. The
 * cell pattern this replaces backtracked on 340,000 unclosed `<c>` tags (a 1.26 KB workbook held the
 * event loop for 52 s), and the phonetic-guide pattern did the same on an unclosed `<rPh>` (issue #19).
 */

export function brokenXlsx(why: string): TableFileError {
  return new TableFileError('invalid_xlsx', `The file cannot be read as an Excel workbook: ${why}.`);
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Whether the text at `at` (just past a tag's name) ends the name: `<c r=…>`, `<c>`, `<c/>`, not `<col>`. */
export function endsName(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return isSpace(c) || c === 0x3e || c === 0x2f || Number.isNaN(c);
}

/** The next `<name` tag (name ended, not a longer name) at or after `from`, or -1. */
export function nextTag(text: string, name: string, from: number): number {
  const opening = `<${name}`;
  for (let at = text.indexOf(opening, from); at >= 0; at = text.indexOf(opening, at + opening.length)) {
    if (endsName(text, at + opening.length)) return at;
  }
  return -1;
}

export interface Tag {
  /** The local name (a prefix such as `x:` dropped); `/name` for a closing tag. */
  name: string;
  text: string;
  start: number;
  /** Index just past the tag's `>`. */
  end: number;
  selfClosing: boolean;
}

/** Every tag in `text`, in order; stops at a tag that never closes. */
export function* eachTag(text: string): Generator<Tag> {
  for (let at = text.indexOf('<'); at >= 0; ) {
    const close = text.indexOf('>', at);
    if (close < 0) return;
    const tagText = text.slice(at, close + 1);
    let nameEnd = 1;
    while (nameEnd < tagText.length - 1 && !endsName(tagText, nameEnd)) nameEnd++;
    let name = tagText.slice(1, nameEnd);
    const closing = name.startsWith('/');
    const colon = name.indexOf(':');
    if (colon >= 0) name = (closing ? '/' : '') + name.slice(colon + 1);
    yield { name, text: tagText, start: at, end: close + 1, selfClosing: tagText.endsWith('/>') };
    at = text.indexOf('<', close + 1);
  }
}

/** The value of `name="…"` in one tag's text, or undefined. */
export function attribute(tag: string, name: string): string | undefined {
  const key = `${name}="`;
  for (let at = tag.indexOf(key); at >= 0; at = tag.indexOf(key, at + 1)) {
    if (!isSpace(tag.charCodeAt(at - 1))) continue;
    const valueStart = at + key.length;
    const valueEnd = tag.indexOf('"', valueStart);
    return valueEnd < 0 ? undefined : tag.slice(valueStart, valueEnd);
  }
  return undefined;
}

/**
 * The text of an <si> or <is>: every <t> run, leaving out phonetic guides (<rPh>). Tags inside are
 * counted as they open and close; nesting past inputLimits.depth fails the file.
 */
export function textRuns(xml: string): string {
  let out = '';
  let depth = 0;
  let textDepth = -1;
  let phoneticDepth = -1;
  let at = 0;
  for (let lt = xml.indexOf('<'); lt >= 0; lt = xml.indexOf('<', at)) {
    if (textDepth >= 0 && phoneticDepth < 0) out += decodeXml(xml.slice(at, lt));
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw brokenXlsx('a tag in a text cell is never closed');
    at = gt + 1;
    const second = xml.charCodeAt(lt + 1);
    // <?…?> and <!--…--> hold no text of the cell.
    if (second === 0x3f || second === 0x21) continue;
    if (second === 0x2f) {
      depth--;
      if (depth < textDepth) textDepth = -1;
      if (depth < phoneticDepth) phoneticDepth = -1;
      continue;
    }
    if (xml.charCodeAt(gt - 1) === 0x2f) continue;
    depth++;
    inputGuard.depth(depth);
    if (isTagName(xml, lt + 1, 't') && textDepth < 0) textDepth = depth;
    else if (isTagName(xml, lt + 1, 'rPh') && phoneticDepth < 0) phoneticDepth = depth;
  }
  return out;
}

function isTagName(xml: string, at: number, name: string): boolean {
  return xml.startsWith(name, at) && endsName(xml, at + name.length);
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// The longest reference worth reading: `&#x10FFFF;`, `&#1114111;`, `&quot;`.
const MAX_REFERENCE_CHARS = 10;

/** XML text as characters: entity and character references, and OOXML's `_xHHHH_` escapes. */
export function decodeXml(text: string): string {
  let out = text.includes('&') ? decodeReferences(text) : text;
  if (out.includes('_x')) out = decodeOoxmlEscapes(out);
  return out;
}

function decodeReferences(text: string): string {
  let out = '';
  let copied = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', amp + 1)) {
    let semi = amp + 1;
    while (semi < text.length && semi - amp <= MAX_REFERENCE_CHARS && text.charCodeAt(semi) !== 0x3b) semi++;
    if (text.charCodeAt(semi) !== 0x3b) continue;
    const name = text.slice(amp + 1, semi);
    let value: string | undefined;
    if (name.startsWith('#')) {
      const hex = name[1] === 'x' || name[1] === 'X';
      const digits = name.slice(hex ? 2 : 1);
      if (digits === '' || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) continue;
      const code = Number.parseInt(digits, hex ? 16 : 10);
      // XML 1.0 allows these characters and no others: &#x110000;, a lone surrogate or NUL is not text.
      if (!isXmlCharacter(code)) throw brokenXlsx(`&${name}; is not a character XML can hold`);
      value = String.fromCodePoint(code);
    } else {
      value = entities[name];
      if (value === undefined) continue;
    }
    out += text.slice(copied, amp) + value;
    copied = semi + 1;
    amp = semi;
  }
  return out + text.slice(copied);
}

function isXmlCharacter(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** OOXML escapes characters XML cannot hold as `_xHHHH_`; NUL and lone surrogates stay as written. */
function decodeOoxmlEscapes(text: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('_x'); at >= 0; at = text.indexOf('_x', at + 1)) {
    const hex = text.slice(at + 2, at + 6);
    if (text.charCodeAt(at + 6) !== 0x5f || !/^[0-9A-Fa-f]{4}$/.test(hex)) continue;
    const code = Number.parseInt(hex, 16);
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) continue;
    out += text.slice(copied, at) + String.fromCharCode(code);
    copied = at + 7;
    at += 6;
  }
  return out + text.slice(copied);
}
