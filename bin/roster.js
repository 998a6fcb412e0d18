#!/usr/bin/env -S node --max-semi-space-size=2
// --max-semi-space-size=2 (MB): V8's young generation otherwise grows to 32 MB during start-up and stays
// there; capped, an idle `roster serve` holds ~20 MB less and an export's peak is lower (bench:process).
// It applies when this file runs as a program (`roster`, `npx roster`, `npm start`); `node bin/roster.js`
// runs without it unless given (`node --max-semi-space-size=2 bin/roster.js serve`).
// Runs the server compiled ahead of time into dist/ (built by `npm install` / `npm ci`, or `npm run
// build:server`), so production loads no TypeScript compiler. A checkout without dist/, or whose
// sources changed after the build, runs the sources through tsx instead.
import { readdirSync, statSync } from 'node:fs';

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
