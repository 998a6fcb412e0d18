import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { inputLimitCodes } from './untrusted-input.ts';

describe('the input guard', () => {
  it('has every one of its codes documented in docs/security.md', async () => {
    const security = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    expect(inputLimitCodes.filter((code) => !security.includes(`\`${code}\``))).toEqual([]);
  });
});
