#!/usr/bin/env -S node --max-semi-space-size=2
// --max-semi-space-size=2 (MB): V8's young generation otherwise grows to 32 MB during start-up and stays
// there; capped, an idle `roster serve` holds ~20 MB less and an export's peak is lower (bench:process).
// It applies when this file runs as a program (`roster`, `npx roster`, `npm start`); `node bin/roster.js`
// runs without it unless given (`node --max-semi-space-size=2 bin/roster.js serve`).
// Runs the server compiled ahead of time into dist/ (built by `npm install` / `npm ci`, or `npm run
// build:server`), so production loads no TypeScript compiler. A checkout without dist/, or whose
// sources changed after the build, runs the sources through tsx instead.
import { readdirSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// V8 lets the old generation grow to several times what survived its last full collection before it
// collects again. An import's or export's garbage (parsed rows, COPY buffers) outlives the small young
// generation and piles up there: a 100,000-row import took the process from ~100 MB to ~200 MB, every
// byte of the growth garbage (a heap snapshot mid-import held the idle heap's 35 MB). Growing the limit by
// 20% a time keeps the heap near what is live; the import's CPU time did not change (bench:process,
// bench:import). Set here, before anything is allocated, for the server, workers and CLI alike.
setFlagsFromString('--heap-growing-percent=20');

const root = new URL('../', import.meta.url);

function compiledIsCurrent() {
  let built;
  try {
    built = statSync(new URL('dist/BUILT', root)).mtimeMs;
  } catch {
    return false;
  }
  try {
    const sources = new URL('src/', root);
    for (const file of readdirSync(sources, { recursive: true })) {
      if (statSync(new URL(String(file), sources)).mtimeMs > built) return false;
    }
  } catch {
    // No sources beside the build: the build is all there is.
  }
  return true;
}

if (process.env.ROSTER_FROM_SOURCE !== '1' && compiledIsCurrent()) {
  await import(new URL('dist/cli.js', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
