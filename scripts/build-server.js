// Compiles the server (src/, tests left out) into dist/ with esbuild, one file per source file, so no
// TypeScript compiler runs in production. Runs on `npm install` / `npm ci` (the prepare script) and
// as `npm run build:server`. dist/ mirrors src/, so paths made from import.meta.url stay right.
// Kysely ships as ~260 small ES modules; loading them was the largest part of a CLI command's start
// (0.2–0.7 s on a busy 2-core machine against 0.08 s for the same code as one file), so it is bundled
// into dist/vendor/kysely.js and every compiled file imports that one copy (nothing else imports kysely).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'src');
const outDir = path.join(root, 'dist');

const isServerSource = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.test(-support)?\.ts$/.test(file) && !/[.-]test-support\.ts$/.test(file);
const entryPoints = readdirSync(sourceDir, { recursive: true })
  .map(String)
  .filter(isServerSource)
  .map((file) => path.join(sourceDir, file));

const started = performance.now();
rmSync(outDir, { recursive: true, force: true });
const bundledPackages = ['kysely'];
await build({
  entryPoints: Object.fromEntries(bundledPackages.map((name) => [name, name])),
  outdir: path.join(outDir, 'vendor'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
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
