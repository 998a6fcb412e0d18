import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildXlsx } from '../../../../test/xlsx-file.ts';
import { readImportTable, readImportTableIsolated, type TableHeader, type TableItem, type TableRecord } from './index.ts';

const openBytes = (data: Buffer) => () =>
  (async function* () {
    for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
  })();

async function collect(items: AsyncIterable<TableItem>) {
  let header: TableHeader | undefined;
  const records: TableRecord[] = [];
  for await (const item of items) {
    if (Array.isArray(item)) records.push(...item);
    else header = item;
  }
  return { header: header!, records };
}

/** The reader processes this process started (children running reader.child). */
function readerChildren(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'reader.child'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('reading a file in a reader process', () => {
  it('hands back what reading in this process gives: CSV (with its late-found encoding), xlsx and JSON', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `u-${i},Name ${i},u${i}@example.com`);
    const files = [
      Buffer.concat([Buffer.from(`vendor_data,display_name,email\n${rows.join('\n')}\n`), Buffer.from('last,Caf\xe9,x@example.com\n', 'latin1')]),
      buildXlsx([['vendor_data', 'email'], ['a-1', 'a@example.com'], ['a-2', 7]]),
      Buffer.from('[{"vendor_data":"j-1","tags":["x"]},{"vendor_data":"j-2","extra":{"k":1}}]'),
    ];
    for (const file of files) {
      const isolated = await collect(readImportTableIsolated(openBytes(file)));
      const inline = await collect(readImportTable(openBytes(file)));
      expect(isolated.records).toEqual(inline.records);
      expect({ ...isolated.header }).toEqual({ ...inline.header, encoding: inline.header.encoding });
    }
    expect(readerChildren()).toEqual([]);
  });

  it('a file error comes back with its code and line', async () => {
    const failure = await collect(readImportTableIsolated(openBytes(Buffer.from(`vendor_data${',c'.repeat(1_000)}\n`)))).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'TableFileError', code: 'too_many_columns', line: 1 });
  });

  it('a reader process that dies (as V8 aborts on a fatal error) fails the read with unreadable_file; this process goes on', async () => {
    const big = Buffer.from(`vendor_data,email\n${Array.from({ length: 400_000 }, (_, i) => `u-${i},u${i}@example.com`).join('\n')}\n`);
    let crash = '';
    const read = readImportTableIsolated(openBytes(big), { onCrash: (detail) => (crash = detail) });
    let killed = false;
    const failure = await (async () => {
      for await (const item of read) {
        if (!Array.isArray(item) || killed) continue;
        const [child] = readerChildren();
        expect(child).toBeDefined();
        process.kill(child!, 'SIGABRT');
        killed = true;
      }
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'unreadable_file' });
    expect(crash).toContain('SIGABRT');
    expect(readerChildren()).toEqual([]);
  });

  it('stops its reader process when the job stops reading early', async () => {
    const big = Buffer.from(`vendor_data\n${Array.from({ length: 200_000 }, (_, i) => `u-${i}`).join('\n')}\n`);
    for await (const item of readImportTableIsolated(openBytes(big))) if (Array.isArray(item)) break;
    const deadline = Date.now() + 10_000;
    while (readerChildren().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readerChildren()).toEqual([]);
  });
});
