import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { policy, roles } from '../src/shared/roles.ts';
import { anchorsOf, brokenReason, documentationFiles, linksOf } from './support/markdown-links.ts';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

describe('the documentation', () => {
  it('has no broken link or anchor in README.md and docs/', () => {
    const broken = documentationFiles(root).flatMap((file) =>
      linksOf(file).flatMap((link) => {
        const reason = brokenReason(link, root);
        return reason ? [`${link.file.slice(root.length + 1)}:${link.line} ${link.target}: ${reason}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('resolves every docs/… file and anchor that code comments cite, and no comment cites the contract instead', () => {
    const codeFiles = (folder: string): string[] =>
      readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) =>
        entry.name === 'node_modules' || entry.name === 'dist' ? [] : entry.isDirectory() ? codeFiles(join(folder, entry.name)) : /\.(ts|tsx|js|cjs|mjs|sh)$/.test(entry.name) ? [join(folder, entry.name)] : [],
      );
    const problems: string[] = [];
    for (const file of ['src', 'console/src', 'test', 'bench', 'scripts'].flatMap(codeFiles)) {
      if (file === 'test/docs-links.test.ts') continue;
      readFileSync(join(root, file), 'utf8').split('\n').forEach((line, index) => {
        if (/CONTRACT §|CONTRACT\.md/.test(line)) problems.push(`${file}:${index + 1} cites the contract, not a file of the repository`);
        for (const match of line.matchAll(/\bdocs\/[a-z0-9-]+\.md(#[a-z0-9_-]+)?/g)) {
          const reason = brokenReason({ file: `${root}/README.md`, line: index + 1, target: match[0] }, root);
          if (reason) problems.push(`${file}:${index + 1} ${match[0]}: ${reason}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('finds GitHub-style anchors, so the check above can fail', () => {
    const readme = `${root}/README.md`;
    expect(anchorsOf(readme).size).toBeGreaterThan(3);
    expect(brokenReason({ file: readme, line: 1, target: '#no-such-heading-anywhere' }, root)).toMatch(/no heading/);
    expect(brokenReason({ file: readme, line: 1, target: 'docs/no-such-file.md' }, root)).toMatch(/does not exist/);
  });

  it("lists every permission of src/shared/roles.ts in docs/roles.md's table, with the same roles", () => {
    const table = readFileSync(`${root}/docs/roles.md`, 'utf8')
      .split('\n')
      .filter((line) => /^\| `[a-z_]+\.[a-z_]+` \|/.test(line));
    const documented = Object.fromEntries(
      table.map((line) => {
        const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
        const permission = cells[0]!.replace(/`/g, '');
        const ticks = cells.slice(-roles.length);
        return [permission, roles.filter((_role, index) => ticks[index]!.startsWith('✓'))];
      }),
    );
    expect(documented).toEqual(Object.fromEntries(Object.entries(policy).map(([permission, allowed]) => [permission, [...allowed]])));
  });
});
