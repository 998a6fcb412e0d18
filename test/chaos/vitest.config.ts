import { defineConfig } from 'vitest/config';

// The chaos suite starts (and crashes) its own PostgreSQL cluster, s3rver and SMTP server: no global setup.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
});
