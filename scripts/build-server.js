// Compiles the server (src/, tests left out) into dist/ with esbuild, one file per source file, so no
// TypeScript compiler runs in production. Runs on `npm install` / `npm ci` (the prepare script) and
// as `npm run build:server`. dist/ mirrors src/, so paths made from import.meta.url stay right.
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
for (const file of result.outputFiles) {
  const text = file.path.endsWith('.js') ? file.text.replace(relativeTsImport, '$1$2$3.js$2') : file.text;
  mkdirSync(path.dirname(file.path), { recursive: true });
  writeFileSync(file.path, text, { mode: 0o644 });
}
writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
writeFileSync(path.join(outDir, 'BUILT'), `${new Date().toISOString()}\n`);
console.log(`server compiled into dist/: ${entryPoints.length} files in ${Math.round(performance.now() - started)} ms`);
