/**
 * The preview's stages one at a time, on the bench's own import file (bench/import-file.ts): where a
 * row's cost is, in CPU time (process.cpuUsage, which a shared machine disturbs far less than wall
 * time), and PostgreSQL's side as the wall time of a COPY beside the preview's baseline.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:preview-stages -- --rows 200000
 *
 * Stages, each over the whole file in 500-row batches as the validate job cuts them:
 *   parse      the CSV reader (readImportTable), as in the reader process;
 *   transport  a batch from the reader process to a validation thread: encoded there, copied by the job,
 *              moved to the thread and decoded (readers/record-frames.ts);
 *   check      processBatch: every cell validated, each row classified and encoded as COPY text;
 *   COPY       PostgreSQL taking the checked rows into import_rows (wall time), beside the baseline:
 *              the file itself COPYed into an unindexed, unlogged staging table (bench/baselines.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { connectDatabase, migrateToLatest } from '../src/db/database.ts';
import { readImportTable, type TableRecord } from '../src/features/imports/readers/index.ts';
import { importRowsCopySql } from '../src/features/imports/staging/import-rows.repository.ts';
import { processBatch, type RowBatch } from '../src/features/imports/validation/row-batch.ts';
import { mapColumns } from '../src/features/imports/mapping/column-mapping.ts';
import { argument, benchDatabase, dropBenchSchemas, runBench } from './bench-support.ts';
import { prepareBaselines, runBaseline } from './baselines.ts';
import { generateImportFile } from './import-file.ts';
import { decodeRecordBatch, encodeRecordBatch, ownRecordBatch } from '../src/features/imports/readers/record-frames.ts';

const rows = argument('rows', 200_000);
const BATCH_ROWS = 500;

function cpuMs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

async function readBatches(file: string): Promise<{ batches: TableRecord[][]; columns: string[]; ms: number }> {
  const cpu = process.cpuUsage();
  const batches: TableRecord[][] = [];
  let columns: string[] = [];
  let pending: TableRecord[] = [];
  for await (const item of readImportTable(() => createReadStream(file), { localFile: file })) {
    if (!Array.isArray(item)) {
      columns = item.columns;
      continue;
    }
    for (const record of item) {
      pending.push(record);
      if (pending.length === BATCH_ROWS) {
        batches.push(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0) batches.push(pending);
  return { batches, columns, ms: cpuMs(cpu) };
}

async function main(): Promise<void> {
  const { workDir, databaseUrl, stop } = await benchDatabase('preview-stages');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const database = connectDatabase(databaseUrl, { schema });
  try {
    await migrateToLatest(database);
    await prepareBaselines(database.pool);
    const file = path.join(workDir, 'users.csv');
    await generateImportFile(file, rows);
    const per = (ms: number) => `${((ms * 1000) / rows).toFixed(2)} µs/row`;
    console.log(`Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}, ${rows.toLocaleString('en')} rows (${(statSync(file).size / 1048576).toFixed(1)} MB)`);

    await readBatches(file); // warm-up: the reader compiled by V8 before timing
    const { batches, columns, ms: parseMs } = await readBatches(file);

    let cpu = process.cpuUsage();
    for (const batch of batches) decodeRecordBatch(ownRecordBatch(encodeRecordBatch(batch)));
    const transportMs = cpuMs(cpu);
    // How batches travelled before (issue #24): JSON frames from the reader process, a structured clone to the thread.
    cpu = process.cpuUsage();
    for (const batch of batches) structuredClone(JSON.parse(Buffer.from(JSON.stringify(batch)).toString('utf8')));
    const jsonTransportMs = cpuMs(cpu);

    const mapped = mapColumns(columns, {});
    const plan = mapped.plan;
    const importId = randomUUID();
    const staged = path.join(workDir, 'staged.copy');
    const out = createWriteStream(staged);
    let checkMs = 0;
    for (const records of batches) {
      const batch: RowBatch = { importId, appId: randomUUID(), plan, mode: 'upsert', lookUpUsers: false, records };
      cpu = process.cpuUsage();
      const result = await processBatch(batch, async () => new Map());
      checkMs += cpuMs(cpu);
      if (!out.write(result.copyData)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));

    const copies: number[] = [];
    const baselines: number[] = [];
    for (let round = 0; round < 2; round++) {
      baselines.push(await runBaseline('staging', databaseUrl, schema, randomUUID(), file));
      await database.pool.query('TRUNCATE import_rows');
      const client = await database.pool.connect();
      const started = performance.now();
      await pipeline(createReadStream(staged), client.query(copyFrom(importRowsCopySql)));
      copies.push(performance.now() - started);
      client.release();
    }
    const copyMs = Math.min(...copies);
    const baselineMs = Math.min(...baselines);
    const nodeMs = parseMs + transportMs + checkMs;
    console.log(`CPU: parse ${per(parseMs)} · transport ${per(transportMs)} (JSON frames + structured clone ${per(jsonTransportMs)}: ${(jsonTransportMs / transportMs).toFixed(1)}×) · check ${per(checkMs)} · Node's part ${per(nodeMs)}`);
    console.log(
      `PostgreSQL (wall, best of 2): COPY of the checked rows into import_rows ${per(copyMs)} (${(statSync(staged).size / 1048576).toFixed(1)} MB) · ` +
        `baseline COPY of the file into staging ${per(baselineMs)} · ratio ${(copyMs / baselineMs).toFixed(2)}× · Node's CPU ÷ baseline ${(nodeMs / baselineMs).toFixed(2)}×`,
    );
    rmSync(staged, { force: true });
  } finally {
    await database.close();
    await dropBenchSchemas(databaseUrl, schema);
    await stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

runBench(main);
