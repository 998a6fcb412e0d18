import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRoster, type TestRoster } from '../../../../test/harness.ts';
import { markDuplicateRows } from './import-rows.repository.ts';

let roster: TestRoster;

beforeAll(async () => {
  roster = await startTestRoster();
});
afterAll(async () => roster?.close());

describe('marking repeated vendor_data', () => {
  // The chaos suite's third import stalled in its preview: the statistics of import_rows described the
  // previous import's rows, the new import's (uncommitted) rows counted as one, and the planner's nested
  // loop re-ran the grouping over all of them for every row. Now only the rows the staging hashes
  // named are read, by key; this stays the reproduction that the statistics cannot make it quadratic.
  it('stays linear when the table statistics describe another import', { timeout: 60_000 }, async () => {
    const pool = roster.ctx.database.pool;
    const rows = 30_000;
    const staged = (importId: string, keys: string) =>
      `INSERT INTO import_rows (import_id, row, line, cells, vendor_data, action)
       SELECT '${importId}', i, i + 1, '', ${keys}, 'create' FROM generate_series(1, ${rows}) AS i`;
    await pool.query(staged(randomUUID(), `'other-' || i`));
    await pool.query('ANALYZE import_rows');

    const importId = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // A stall fails here with PostgreSQL's timeout rather than holding the test's schema for hours.
      await client.query(`SET LOCAL statement_timeout = '30s'`);
      // Rows 29,901..30,000 repeat the vendor_data of rows 1..100.
      await client.query(staged(importId, `'new-' || (i % ${rows - 100})`));
      const lost = await markDuplicateRows(client, importId, {
        rows: Array.from({ length: 100 }, (_, i) => rows - 99 + i),
        firstRows: Array.from({ length: 100 }, (_, i) => 1 + i),
      });
      expect(lost.actions.create).toBe(100);
      const { rows: marked } = await client.query<{ row: number }>(`SELECT row FROM import_rows WHERE import_id = $1 AND action = 'skip' ORDER BY row`, [importId]);
      expect(marked.map((row) => row.row)).toEqual(Array.from({ length: 100 }, (_, i) => rows - 99 + i));
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
