import { readFileSync } from 'node:fs';
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
