#!/usr/bin/env node
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
