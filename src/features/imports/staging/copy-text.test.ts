import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import { copyTextArray, copyValue, decodeCells, encodeCells, storableCell } from './copy-text.ts';

let roster: TestRoster;
beforeAll(async () => {
  roster = await startTestRoster();
});
afterAll(async () => roster?.close());

const awkward = ['', 'plain', 'tab\there', 'new\nline', 'cr\rlf', 'back\\slash', '"quoted"', 'a,b', '{braces}', 'NULL', '\\N', ' spaced ', 'émoji 🎉', 'zero\u0000byte', 'lone \uD800 surrogate'];

it('round-trips every awkward text through COPY into text and text[] columns exactly (NUL and lone surrogates as U+FFFD)', async () => {
  const client = await roster.ctx.database.pool.connect();
  try {
    await client.query('CREATE TEMP TABLE copy_check (n int, value text, items text[], missing text)');
    const cells = awkward.map(storableCell);
    const lines = cells.map((cell, n) => `${n}\t${copyValue(cell)}\t${copyTextArray([cell, 'x', cell])}\t${copyValue(null)}\n`);
    await pipeline(Readable.from(lines), client.query(copyFrom('COPY copy_check FROM STDIN')));
    const { rows } = await client.query<{ value: string; items: string[]; missing: null }>('SELECT value, items, missing FROM copy_check ORDER BY n');
    expect(rows).toEqual(cells.map((cell) => ({ value: cell, items: [cell, 'x', cell], missing: null })));
    expect(cells.at(-2)).toBe('zero\uFFFDbyte');
    expect(cells.at(-1)).toBe('lone \uFFFD surrogate');
  } finally {
    client.release();
  }
});

it('stores a row of cells as one text and gives the same cells back, separators inside cells included', () => {
  for (const cells of [[''], ['a'], ['a', '', 'b'], ['unit\u001fsep', 'x'], ['\u001estarts', ''], awkward.slice(0, -2)]) {
    expect(decodeCells(encodeCells(cells))).toEqual(cells);
  }
  // What PostgreSQL cannot store comes back as U+FFFD.
  expect(decodeCells(encodeCells(['a\u0000b', '\u001f', 'x\uDC00']))).toEqual(['a\uFFFDb', '\u001f', 'x\uFFFD']);
});
