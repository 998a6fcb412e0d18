import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript run by `npm run lint`, no declaration file
import { findCycles, importGraph } from '../scripts/lint/import-cycles.js';

// The rules `npm run lint` enforces (docs/architecture.md#feature-boundaries), each shown to fire on a
// forbidden import, so a config change cannot switch one off without a failing test.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('feature boundaries (eslint roster/feature-boundaries)', () => {
  it("fails an import of another feature's internal file, at any folder depth and in every import form", async () => {
    expect(await problems('src/features/users/example.ts', "import { requireOperator } from '../auth/auth.hooks.ts';\n")).toEqual([
      expect.stringMatching(/^roster\/feature-boundaries: '\.\.\/auth\/auth\.hooks\.ts' reaches into the auth feature's internals; import from \.\.\/auth\/index\.ts/),
    ]);
    expect(await problems('src/features/users/bulk/example.ts', "import type { Principal } from '../../auth/principal.ts';\n")).toHaveLength(1);
    expect(await problems('src/features/imports/validation/example.ts', "export { recordAudit } from '../../audit/audit-ledger.ts';\n")).toHaveLength(1);
    expect(await problems('src/features/exports/example.ts', "export async function later() {\n  return import('../imports/imports.service.ts');\n}\n")).toHaveLength(1);
  });

  it("allows another feature's index.ts and *.public.ts, the feature's own files, and the layers below features", async () => {
    const allowed = [
      "import { requireOperator } from '../auth/index.ts';",
      "import { recordAudit } from '../audit/audit-writer.public.ts';",
      "import { validateNote } from '../users/user-rules.public.ts';",
      "import { exportJob } from './export.job.ts';",
      "import { AppError } from '../../http/errors.ts';",
      "import { roles } from '../../shared/roles.ts';",
    ];
    expect(await problems('src/features/exports/example.ts', `${allowed.join('\n')}\n`)).toEqual([]);
  });

  it('fails an import of any feature from src/platform, src/shared, src/http or src/config', async () => {
    expect(await problems('src/platform/example.ts', "import { usersFeature } from '../features/users/index.ts';\n")).toEqual([
      expect.stringMatching(/^roster\/feature-boundaries: src\/platform\/ must not import a feature/),
    ]);
    expect(await problems('src/shared/example.ts', "import type { Feature } from '../features/feature.ts';\n")).toHaveLength(1);
    expect(await problems('src/http/example.ts', "import { requireOperator } from '../features/auth/index.ts';\n")).toHaveLength(1);
  });
});

describe('import cycles (scripts/lint/import-cycles.js)', () => {
  it('finds a cycle, and finds none in a chain', () => {
    const cycle = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycles(cycle)).toEqual([['a', 'b', 'c']]);
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('the validation threads load no feature index.ts and no HTTP, storage or hashing code (64 MB heaps)', () => {
    const graph: Map<string, string[]> = importGraph([path.join(root, 'src')]);
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const next of graph.get(file) ?? []) visit(next);
    };
    visit(path.join(root, 'src/features/imports/validation/validation.worker.ts'));
    const relative = [...loaded].map((file) => path.relative(root, file));
    expect(relative).toContain('src/features/users/user-rules.public.ts');
    expect(relative.filter((file) => /^src\/features\/[^/]+\/index\.ts$/.test(file) || /\.(routes|service)\.ts$/.test(file))).toEqual([]);
  });
});
