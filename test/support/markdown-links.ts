import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** A link found in a Markdown file: where it is and what it points at. */
export interface MarkdownLink {
  file: string;
  line: number;
  target: string;
}

/** Lines outside fenced code blocks, with inline code spans blanked (links inside code are not links). */
function proseLines(text: string): Array<{ line: number; text: string }> {
  const lines: Array<{ line: number; text: string }> = [];
  let fenced = false;
  text.split('\n').forEach((raw, index) => {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (!fenced) lines.push({ line: index + 1, text: raw.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length)) });
  });
  return lines;
}

/** Every `[text](target)`, `![alt](target)` and `<img src="target">` of a Markdown file, external ones included. */
export function linksOf(file: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, text } of proseLines(readFileSync(file, 'utf8'))) {
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ file, line, target: match[1]! });
    for (const match of text.matchAll(/<img\s[^>]*src="([^"]+)"/g)) links.push({ file, line, target: match[1]! });
  }
  return links;
}

/**
 * GitHub's anchor for a heading: lower case, punctuation dropped (letters, digits, spaces, `-` and `_`
 * stay), spaces become `-`; a repeated heading gets `-1`, `-2`, … in order.
 */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(readFileSync(file, 'utf8').replace(/`([^`]*)`/g, (_code, inner: string) => inner.replace(/`/g, '')))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const plain = heading[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const slug = plain.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  // Explicit anchors: <a id="…"></a> or <a name="…">.
  for (const match of readFileSync(file, 'utf8').matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}

/** What is wrong with a link, or null when it resolves: a missing file, a missing heading. */
export function brokenReason(link: MarkdownLink, root: string): string | null {
  const { target } = link;
  if (/^(https?:|mailto:)/i.test(target)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return `unexpected scheme in ${target}`;
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const path = pathPart === '' ? link.file : resolve(dirname(link.file), decodeURIComponent(pathPart));
  if (!path.startsWith(root)) return `${target} leaves the repository`;
  if (!existsSync(path)) return `${relative(root, path)} does not exist`;
  if (anchor === undefined || anchor === '') return null;
  if (statSync(path).isDirectory() || !path.endsWith('.md')) return /^L\d+(-L\d+)?$/.test(anchor) ? null : `#${anchor} on a file that has no headings`;
  return anchorsOf(path).has(decodeURIComponent(anchor)) ? null : `no heading for #${anchor} in ${relative(root, path)}`;
}

/** README.md and every Markdown file under docs/. */
export function documentationFiles(root: string): string[] {
  const docs = join(root, 'docs');
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(folder, entry.name)) : entry.name.endsWith('.md') ? [join(folder, entry.name)] : [],
    );
  return [join(root, 'README.md'), ...walk(docs)];
}
