import { defineConfig } from 'vitest/config';

/** Browser tests: the built console in real Chromium against a real `roster start` (npm run test:browser). */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/build-console.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One Chromium and one Roster at a time: a 2-core machine runs them side by side poorly.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
