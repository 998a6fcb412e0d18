// Fails when the server's modules import each other in a cycle (docs/architecture.md#feature-boundaries).
// ES modules in a cycle run in an order that depends on which one is loaded first, so a top-level
// `const` read across the cycle throws "Cannot access X before initialization" in one entry point and
// not in another. Type-only imports are erased by esbuild and tsx and do not count.
// Usage: node scripts/lint/import-cycles.js [folder…]   (default: src; test files left out)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** `./mail.js` names the source `./mail.ts`, as TypeScript resolves it. */
export function sourceFileOf(target) {
  if (target.endsWith('.js') && !existsSync(target) && existsSync(`${target.slice(0, -3)}.ts`)) return `${target.slice(0, -3)}.ts`;
  return target;
}

/** The relative modules a file loads when it runs (type-only imports and exports left out). */
export function runtimeImports(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  const add = (specifier) => {
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) found.push(sourceFileOf(path.resolve(path.dirname(file), specifier.text)));
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const bindings = clause?.namedBindings;
      const onlyTypes = clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
      if (!onlyTypes) add(statement.moduleSpecifier);
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      const clause = statement.exportClause;
      const onlyTypes = clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
      if (!onlyTypes) add(statement.moduleSpecifier);
    }
  }
  // Dynamic import() loads later, when the importer has finished running: it cannot hit a half-run module.
  return found;
}

/** Every cycle (strongly connected component of more than one module, or a module importing itself). */
export function findCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

export function importGraph(folders) {
  const graph = new Map();
  for (const folder of folders) {
    for (const entry of readdirSync(folder, { recursive: true }).map(String)) {
      if (!/\.tsx?$/.test(entry) || /\.test\.tsx?$/.test(entry) || entry.endsWith('.d.ts')) continue;
      const file = path.resolve(folder, entry);
      graph.set(file, runtimeImports(file, readFileSync(file, 'utf8')));
    }
  }
  return graph;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folders = process.argv.slice(2);
  const cycles = findCycles(importGraph(folders.length > 0 ? folders : ['src']));
  for (const cycle of cycles) {
    console.error(`import cycle (${cycle.length} modules):\n  ${cycle.map((file) => path.relative(process.cwd(), file)).join('\n  ')}`);
  }
  if (cycles.length > 0) {
    console.error('Break it: move the shared piece to src/shared or src/platform, or import the narrower module (docs/architecture.md#feature-boundaries).');
    process.exit(1);
  }
}
