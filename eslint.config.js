// `npm run lint` (docs/architecture.md#feature-boundaries). Only the rules listed here run: the type checker
// already covers correctness, and this config holds the architecture rules tsc cannot see.
import tseslint from 'typescript-eslint';
import { featureBoundaries } from './scripts/lint/feature-boundaries.js';

export default [
  { ignores: ['dist/**', 'console/**', 'node_modules/**', 'vendor/**'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { roster: { rules: { 'feature-boundaries': featureBoundaries } } },
    rules: { 'roster/feature-boundaries': 'error' },
  },
];
