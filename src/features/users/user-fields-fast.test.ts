import { describe, expect, it } from 'vitest';
import { fastCountry, fastEmail, fastMetadata, fastName, fastPhone, fastStatus, fastTags, fastVendorData } from './user-fields-fast.ts';
import { type FieldResult, parseMetadataCell, parseTagsCell, validateCountry, validateDisplayName, validateEmail, validatePhone, validateStatus, validateVendorData } from './user-fields.ts';

/** Every fast acceptance must be one the full validator makes, with the same value. */

const alphabet = ['a', 'Z', '0', '9', ' ', ',', '@', '.', '-', '+', '"', '\\', '{', '}', '[', ']', ':', '\t', '\n', '\r', '\u0000', '\u0001', '\u007f', '\u00a0', '\u2028', 'é', '😀', '\uD800', '\uDC00', '\u001f', "'", '=', '#'];

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function randomCells(count: number, seeds: string[]): string[] {
  const random = generator(11);
  const cells = [...seeds];
  while (cells.length < count) {
    const base = seeds[Math.floor(random() * seeds.length)]!;
    let cell = base;
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (cell.length + 1));
      const char = alphabet[Math.floor(random() * alphabet.length)]!;
      cell = random() < 0.7 ? cell.slice(0, at) + char + cell.slice(at) : cell.slice(0, at) + cell.slice(at + 1);
    }
    cells.push(cell);
  }
  return cells;
}

function agrees<T>(cells: string[], fast: (cell: string) => T | undefined, full: (cell: string) => FieldResult<unknown>): number {
  let decided = 0;
  for (const cell of cells) {
    const value = fast(cell);
    if (value === undefined) continue;
    decided++;
    const result = full(cell);
    expect({ cell, result }).toEqual({ cell, result: { ok: true, value } });
  }
  return decided;
}

describe('fast cell checks', () => {
  it('accept only what user-fields.ts accepts, with the same value', () => {
    const n = 20_000;
    expect(agrees(randomCells(n, ['cust-1', 'a b', 'x'.repeat(2000), 'x'.repeat(2001), 'ñ']), fastVendorData, validateVendorData)).toBeGreaterThan(1000);
    expect(agrees(randomCells(n, ['José Núñez', 'Li', 'x'.repeat(500), 'x'.repeat(501), ' pad ']), fastName, validateDisplayName)).toBeGreaterThan(1000);
    expect(agrees(randomCells(n, ['user1@example.com', 'a.b+c@d-e.co.uk', `${'a'.repeat(243)}@example.com`, 'a@b']), fastEmail, validateEmail)).toBeGreaterThan(1000);
    expect(agrees(randomCells(n, ['+34612345678', '+44 20 7946 0958', '+1-201-555-0123', '+7 800 555 35 35']), fastPhone, validatePhone)).toBeGreaterThan(300);
    expect(agrees(randomCells(n, ['ESP', 'FRA', 'esp', 'XYZ', 'GB']), fastCountry, validateCountry)).toBeGreaterThan(100);
    expect(agrees(randomCells(n, ['ACTIVE', 'FLAGGED', 'BLOCKED', 'active']), fastStatus, validateStatus)).toBeGreaterThan(100);
    const tagSeeds = ['vip,batch-1', 'a,a,b', 'tier one,x', Array.from({ length: 50 }, (_, i) => `t${i}`).join(','), Array.from({ length: 51 }, (_, i) => `t${i}`).join(','), 'x'.repeat(100), 'x'.repeat(101)];
    expect(agrees(randomCells(n, tagSeeds), fastTags, parseTagsCell)).toBeGreaterThan(1000);
    const jsonSeeds = ['{"tier":"gold","n":1}', '{"a":{"b":[1,2,{"c":null}]}}', '{"n":1e20,"m":-0.5}', '{}', '[1]', 'null', `{"d":${'['.repeat(31)}${']'.repeat(31)}}`, `{"d":${'['.repeat(32)}${']'.repeat(32)}}`];
    expect(agrees(randomCells(n, jsonSeeds), fastMetadata, parseMetadataCell)).toBeGreaterThan(1000);
  });

  it('leave a near-limit metadata cell to the full check', () => {
    const big = `{"k":"${'x'.repeat(70_000)}"}`;
    expect(fastMetadata(big)).toBeUndefined();
    expect(parseMetadataCell(big)).toMatchObject({ ok: false, error: { code: 'metadata_too_large' } });
  });
});
