import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestRoster, type TestRoster, type TestTenant } from '../../../test/harness.ts';
import { exportColumns } from '../../shared/user-columns.ts';
import type { UserFilters } from '../users/index.ts';
import { writeExportInParallel } from './export-parallel.ts';
import { buildExportCopy } from './export-query.ts';
import { writeExport } from './export-writer.ts';
import { type SeedUser, seedUsers } from '../../../test/support/exports.ts';

let roster: TestRoster;
let tenant: TestTenant;

// Tricky cells, and many users sharing one created_at so part boundaries fall inside a tie.
const users: SeedUser[] = Array.from({ length: 600 }, (_, i) => ({
  vendor_data: i % 50 === 0 ? `=cmd-${i}` : `par-${i}`,
  display_name: i % 7 === 0 ? `-${i}` : `Zoë "${i}"`,
  full_name: i % 11 === 0 ? 'Line\nbreak, and comma' : `José Ñúñez ${i}`,
  email: `u${i}@example.com`,
  phone: i % 3 === 0 ? '+34600123456' : null,
  country: ['ESP', 'FRA', 'USA'][i % 3]!,
  status: i % 5 === 0 ? 'FLAGGED' : 'ACTIVE',
  tags: i % 4 === 0 ? ['vip', `t-${i % 3}`] : [],
  metadata: { n: i, nested: { s: '🙂' } },
  session_count: i % 4,
  first_session_at: i % 2 === 0 ? new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString() : null,
  created_at: i < 200 ? '2026-02-01T00:00:00.123456Z' : new Date(Date.UTC(2026, 0, 1) + i * 1_000_001).toISOString(),
}));

beforeAll(async () => {
  roster = await startTestRoster();
  tenant = await createTestTenant(roster.ctx);
  const other = await createTestTenant(roster.ctx);
  await seedUsers(roster.ctx, tenant.appId, users);
  await seedUsers(roster.ctx, other.appId, users.slice(0, 50));
});
afterAll(async () => {
  await roster?.close();
});

async function stored(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await roster.ctx.storage.get(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function bothWays(filters: UserFilters, parts: number) {
  const { ctx } = roster;
  const columns = [...exportColumns];
  const single = await writeExport({ pool: ctx.database.pool, storage: ctx.storage, key: `t/single-${parts}.csv`, copyStatement: buildExportCopy(ctx.db, tenant.appId, filters, columns), header: columns });
  const parallel = await writeExportInParallel({
    pool: ctx.database.pool, db: ctx.db, storage: ctx.storage, key: `t/parallel-${parts}.csv`, appId: tenant.appId, filters, columns,
    spoolDir: path.join(ctx.config.dataDir, 'export-parts'), parts,
  });
  return { single, parallel, singleBytes: await stored(`t/single-${parts}.csv`), parallelBytes: await stored(`t/parallel-${parts}.csv`) };
}

describe('parallel export in one snapshot', () => {
  it('writes the same bytes as a single COPY, however many parts', async () => {
    for (const parts of [2, 3, 5]) {
      const { single, parallel, singleBytes, parallelBytes } = await bothWays({}, parts);
      expect(parallel.parts).toBeGreaterThan(1);
      expect(parallel.rowCount).toBe(600);
      expect(parallel.rowCount).toBe(single.rowCount);
      expect(parallelBytes.equals(singleBytes)).toBe(true);
    }
  });

  it('keeps filters and the tenant in every part', async () => {
    const { single, parallel, singleBytes, parallelBytes } = await bothWays({ status: ['FLAGGED'], search: 'zoë' }, 3);
    expect(parallel.rowCount).toBe(single.rowCount);
    expect(parallel.rowCount).toBeGreaterThan(0);
    expect(parallelBytes.equals(singleBytes)).toBe(true);
  });

  it('removes part files a killed worker left behind, and only those', async () => {
    const spoolDir = path.join(roster.ctx.config.dataDir, 'export-parts');
    mkdirSync(spoolDir, { recursive: true });
    const abandoned = path.join(spoolDir, 'dead-attempt-1.part');
    const recent = path.join(spoolDir, 'running-attempt-1.part');
    writeFileSync(abandoned, 'x');
    writeFileSync(recent, 'y');
    const sevenHoursAgo = new Date(Date.now() - 7 * 3600 * 1000);
    utimesSync(abandoned, sevenHoursAgo, sevenHoursAgo);
    await bothWays({}, 2);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
