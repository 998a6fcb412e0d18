// Compiles the server (src/, tests left out) into dist/ with esbuild, one file per source file, so no
// TypeScript compiler runs in production. Runs on `npm install` / `npm ci` (the prepare script) and
// as `npm run build:server`. dist/ mirrors src/, so paths made from import.meta.url stay right.
// Kysely ships as ~260 small ES modules; loading them was the largest part of a CLI command's start
// (0.2–0.7 s on a busy 2-core machine against 0.08 s for the same code as one file), so it is bundled
// into dist/vendor/kysely.js and every compiled file imports that one copy (nothing else imports kysely).
// src/platform/jobs/pg-boss.ts is built together with pg-boss and the packages it loads (cron-parser,
// OpenTelemetry's API...) into one file: as ~60 modules, several stored by V8 as two-byte strings for one
// non-ASCII character, they held ~7 MB of an idle server's heap; as one ASCII file without comments or
// indentation (luxon left outside), 5.5 MB (measured importing each). Bundles keep identifiers, so stack traces still name functions.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'src');
const outDir = path.join(root, 'dist');

// Source files built with the packages they import, one self-contained file each (pg stays shared).
const selfContained = ['platform/jobs/pg-boss.ts'];
const isServerSource = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.test\.ts$/.test(file);
const entryPoints = readdirSync(sourceDir, { recursive: true })
  .map(String)
  .filter(isServerSource)
  .filter((file) => !selfContained.includes(file.split(path.sep).join('/')))
  .map((file) => path.join(sourceDir, file));

const started = performance.now();
rmSync(outDir, { recursive: true, force: true });
const bundledPackages = ['kysely'];
const compact = { bundle: true, format: 'esm', platform: 'node', target: 'node20', minifyWhitespace: true, minifySyntax: true, logLevel: 'warning' };
await build({
  ...compact,
  entryPoints: Object.fromEntries(bundledPackages.map((name) => [name, name])),
  outdir: path.join(outDir, 'vendor'),
});
await build({
  ...compact,
  entryPoints: selfContained.map((file) => path.join(sourceDir, file)),
  outdir: outDir,
  outbase: sourceDir,
  external: ['pg', 'luxon'],
  // The CommonJS packages inside (cron-parser) require() Node's own modules, and luxon (see pg-boss.ts).
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
});
const result = await build({
  entryPoints,
  outdir: outDir,
  outbase: sourceDir,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
});
// esbuild keeps import specifiers as written: `./x.ts` becomes `./x.js`, in static and dynamic imports.
const relativeTsImport = /((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;
const bundledImport = new RegExp(`((?:\\bfrom|\\bimport)\\s*\\(?\\s*)(['"])(${bundledPackages.join('|')})\\2`, 'g');
for (const file of result.outputFiles) {
  let text = file.text;
  if (file.path.endsWith('.js')) {
    const vendor = path.relative(path.dirname(file.path), path.join(outDir, 'vendor')).split(path.sep).join('/');
    text = text.replace(relativeTsImport, '$1$2$3.js$2').replace(bundledImport, (_match, before, quote, name) => `${before}${quote}${vendor.startsWith('.') ? vendor : `./${vendor}`}/${name}.js${quote}`);
  }
  mkdirSync(path.dirname(file.path), { recursive: true });
  writeFileSync(file.path, text, { mode: 0o644 });
}
writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
writeFileSync(path.join(outDir, 'BUILT'), `${new Date().toISOString()}\n`);
console.log(`server compiled into dist/: ${entryPoints.length} files in ${Math.round(performance.now() - started)} ms`);
