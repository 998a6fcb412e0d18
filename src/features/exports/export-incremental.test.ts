import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { usersApi } from '../../../test/support/users.ts';
import { linkPath, requestExportAs, waitForExport } from '../../../test/support/exports.ts';

/**
 * docs/warehouse.md's promise: a full export as of N taken while writers run, then an incremental export
 * since N, loaded into DuckDB with the documented MERGE, give exactly the table a full export as of M gives.
 */

let roster: TestRoster;
let tenant: TestTenant;
let dir: string;

beforeAll(async () => {
  roster = await startTestRoster({ RATE_LIMIT_WRITES_PER_MINUTE: '0', RATE_LIMIT_READS_PER_MINUTE: '0' });
  await roster.startWorker();
  tenant = await createTestTenant(roster.ctx);
  dir = mkdtempSync(path.join(os.tmpdir(), 'export-incremental-'));
});
afterAll(async () => {
  await roster?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The DuckDB block of docs/warehouse.md, as written there. */
function documentedDuckdbLoad(): { snapshot: string; merge: string } {
  const doc = readFileSync(new URL('../../../docs/warehouse.md', import.meta.url), 'utf8');
  const block = /<!-- duckdb-load -->\s*```sql\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/warehouse.md has no duckdb-load block');
  const statements = block.split(';').map((statement) => statement.replace(/--.*$/gm, '').trim()).filter(Boolean);
  expect(statements).toHaveLength(2);
  return { snapshot: statements[0]!, merge: statements[1]! };
}

async function parquetExport(body: Record<string, unknown>, name: string): Promise<{ asOfSeq: number; files: string }> {
  const auth = tenant.operators.OWNER.auth;
  const requested = await requestExportAs(roster, auth, tenant.appId, { format: 'parquet', ...body });
  expect(requested.statusCode, JSON.stringify(requested.json)).toBe(202);
  const done = (await waitForExport(roster, auth, tenant.appId, requested.json.id)) as unknown as { status: string; as_of_seq: number; parts: { name: string; download_url: string }[] };
  expect(done.status).toBe('completed');
  const files: string[] = [];
  for (const [index, part] of done.parts.slice(0, -1).entries()) {
    const file = path.join(dir, `${name}-${index}.parquet`);
    writeFileSync(file, (await roster.app.inject({ method: 'GET', url: linkPath(part.download_url) })).rawPayload);
    files.push(file);
  }
  return { asOfSeq: done.as_of_seq, files: `[${files.map((file) => `'${file}'`).join(', ')}]` };
}

describe('snapshot plus incremental export', () => {
  it('gives, through the documented DuckDB MERGE, exactly the full export as of the later seq', { timeout: 180_000 }, async () => {
    const api = usersApi(roster, tenant);
    for (let index = 0; index < 150; index++) await api.create({ vendor_data: `inc-${index}`, email: `inc${index}@example.com`, tags: index % 2 ? ['a'] : [] });

    let step = 0;
    let writing = true;
    // Creates, edits, status changes, deletes and re-creates of deleted vendor_data, over and over.
    const writer = async (lane: number) => {
      while (writing) {
        const n = (step++ * 7 + lane) % 150;
        const vendor = `inc-${n}`;
        const roll = step % 5;
        if (roll === 0) await api.remove({ vendor_data_list: [vendor] });
        else if (roll === 1) await api.create({ vendor_data: vendor, display_name: `again ${step}` });
        else if (roll === 2) await api.updateStatus(vendor, { status: step % 2 ? 'FLAGGED' : 'ACTIVE', reason: 'test' });
        else await api.patch(vendor, { display_name: `edit ${step}`, tags: [`s${step % 3}`], metadata: { step } });
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    const snapshot = await parquetExport({}, 'snapshot');
    // Keep writing after the snapshot, deletes included.
    const afterSnapshot = step + 200;
    while (step < afterSnapshot) await new Promise((resolve) => setTimeout(resolve, 20));
    writing = false;
    await Promise.all(writers);

    const incremental = await parquetExport({ since_seq: snapshot.asOfSeq }, 'incremental');
    const full = await parquetExport({}, 'full');
    expect(incremental.asOfSeq).toBe(full.asOfSeq);
    expect(full.asOfSeq).toBeGreaterThan(snapshot.asOfSeq);

    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const { snapshot: load, merge } = documentedDuckdbLoad();
    await connection.run(load.replace(`'snapshot/*.parquet'`, snapshot.files));
    const deletedRows = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${incremental.files}) WHERE _deleted`);
    expect(Number(deletedRows.getRowObjects()[0]!.n)).toBeGreaterThan(0);
    await connection.run(merge.replace(`'incremental/*.parquet'`, incremental.files));
    const merged = (await connection.runAndReadAll(`SELECT * EXCLUDE (_deleted) FROM users ORDER BY didit_internal_id`)).getRowObjectsJson();
    const expected = (await connection.runAndReadAll(`SELECT * FROM read_parquet(${full.files}) ORDER BY didit_internal_id`)).getRowObjectsJson();
    connection.closeSync();
    expect(merged.length).toBe(expected.length);
    expect(merged).toEqual(expected);
  });
});
