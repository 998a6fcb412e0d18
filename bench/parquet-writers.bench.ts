/**
 * Which Parquet writer for exports (bench/RESULTS.md, "Parquet writers"). Each candidate writes the same
 * 200,000 user rows, streamed in batches as the export hands them over (one JSON array a row, the shape
 * export-typed.ts reads from PostgreSQL), in a child process of its own: wall time and peak RSS. Then
 * DuckDB reads every file back: the declared types and a digest of all values must match.
 *
 *   node --import tsx bench/parquet-writers.bench.ts [rows]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BATCH = 50_000;
type Row = [string, string, string | null, string | null, string | null, number | null, string | null, string | null, string | null, string, string[], string, number, number, number, number, number | null, number | null, number | null, number, number];
const names = ['didit_internal_id', 'vendor_data', 'display_name', 'effective_name', 'full_name', 'date_of_birth', 'email', 'phone', 'country', 'status', 'tags', 'metadata', 'session_count', 'approved_count', 'declined_count', 'in_review_count', 'first_session_at', 'last_session_at', 'last_activity_at', 'created_at', 'updated_at'];

function row(index: number): Row {
  const hex = index.toString(16).padStart(12, '0');
  const micros = 1_700_000_000_000_000 + index * 1_000_003;
  const sessions = index % 4;
  return [
    `00000000-0000-4000-8000-${hex}`, `customer-${index}`, index % 3 ? `Name ${index}` : null, `Name ${index}`, index % 5 ? `Full Name ${index} Ñandú` : null,
    index % 7 ? 7000 + (index % 10_000) : null, `user${index}@example.com`, index % 2 ? `+3460${String(index).padStart(7, '0')}` : null, 'ESP', ['ACTIVE', 'FLAGGED', 'BLOCKED'][index % 3]!,
    index % 4 ? ['vip', `t${index % 10}`] : [], JSON.stringify({ tier: index % 3, note: `n${index}` }), sessions, sessions, 0, 0,
    sessions ? micros - 1000 : null, sessions ? micros : null, sessions ? micros : null, micros, micros + 5,
  ];
}

async function* batches(rows: number): AsyncGenerator<Row[]> {
  for (let start = 0; start < rows; start += BATCH) {
    const batch: Row[] = [];
    // The export parses each row from a line of text; so does the bench, so the parse costs the same everywhere.
    for (let index = start; index < Math.min(rows, start + BATCH); index++) batch.push(JSON.parse(JSON.stringify(row(index))) as Row);
    yield batch;
  }
}

const column = (batch: Row[], index: number) => batch.map((values) => values[index]);

async function hyparquet(file: string, rows: number) {
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
  const out = createWriteStream(file);
  const writer = new ByteWriter() as InstanceType<typeof ByteWriter> & { flush(): Promise<void> };
  writer.flush = async () => {
    const chunk = Buffer.from(new Uint8Array(writer.buffer, 0, writer.index));
    writer.index = 0;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const text = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } as const;
  const micros = { type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } } as const;
  const int = { type: 'INT32', repetition_type: 'OPTIONAL' } as const;
  const schema = [
    { name: 'root', num_children: names.length },
    ...names.slice(0, 5).map((name) => ({ name, ...text })),
    { name: 'date_of_birth', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    ...names.slice(6, 10).map((name) => ({ name, ...text })),
    { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', ...text },
    { name: 'metadata', ...text },
    ...names.slice(12, 16).map((name) => ({ name, ...int })),
    ...names.slice(16).map((name) => ({ name, ...micros })),
  ];
  const parquet = new ParquetWriter({ writer, schema: schema as never, codec: 'SNAPPY' });
  for await (const batch of batches(rows)) {
    const columnData = names.map((name, index) => {
      let data: unknown[] = column(batch, index);
      if (index >= 16) data = data.map((value) => (value === null ? null : BigInt(value as number)));
      return { name, data };
    });
    await parquet.write({ columnData: columnData as never, rowGroupSize: BATCH });
  }
  parquet.finish();
  await writer.flush();
  out.end();
  await once(out, 'finish');
}

async function parquetjs(file: string, rows: number) {
  const { ParquetSchema, ParquetWriter } = await import('@dsnp/parquetjs');
  const text = { type: 'UTF8', optional: true } as const;
  const fields: Record<string, unknown> = {};
  names.forEach((name, index) => {
    if (index === 5) fields[name] = { type: 'DATE', optional: true };
    else if (index === 10) fields[name] = { type: 'LIST', optional: true, fields: { list: { repeated: true, fields: { element: text } } } };
    else if (index >= 12 && index < 16) fields[name] = { type: 'INT32', optional: true };
    else if (index >= 16) fields[name] = { type: 'TIMESTAMP_MICROS', optional: true };
    else fields[name] = text;
  });
  const writer = await ParquetWriter.openFile(new ParquetSchema(fields as never), file, { rowGroupSize: BATCH, useDataPageV2: false } as never);
  for await (const batch of batches(rows)) {
    for (const values of batch) {
      const record: Record<string, unknown> = {};
      names.forEach((name, index) => {
        const value = values[index];
        if (value === null) return;
        if (index === 5) record[name] = new Date((value as number) * 86_400_000);
        else if (index === 10) record[name] = { list: (value as string[]).map((element) => ({ element })) };
        else if (index >= 16) record[name] = BigInt(value as number);
        else record[name] = value;
      });
      await writer.appendRow(record);
    }
  }
  await writer.close();
}

async function parquetWasm(file: string, rows: number) {
  const arrow = await import('apache-arrow');
  const wasm = await import('parquet-wasm');
  const utf8 = () => new arrow.Utf8();
  const fields = names.map((name, index) => {
    let type: import('apache-arrow').DataType = utf8();
    if (index === 5) type = new arrow.DateDay();
    else if (index === 10) type = new arrow.List(new arrow.Field('element', utf8(), true));
    else if (index >= 12 && index < 16) type = new arrow.Int32();
    else if (index >= 16) type = new arrow.TimestampMicrosecond('UTC');
    return new arrow.Field(name, type, true);
  });
  const schema = new arrow.Schema(fields);
  const out = createWriteStream(file);
  const source = batches(rows);
  const input = new ReadableStream({
    async pull(controller) {
      const next = await source.next();
      if (next.done) return controller.close();
      const batch = next.value;
      const vectors = fields.map((field, index) => {
        let data: unknown[] = column(batch, index);
        if (index === 5) data = data.map((value) => (value === null ? null : new Date((value as number) * 86_400_000)));
        // apache-arrow's builder takes a timestamp as milliseconds (a number or a Date) and refuses BigInt:
        // microseconds are lost on this path unless the Int64 buffers are built by hand.
        if (index >= 16) data = data.map((value) => (value === null ? null : (value as number) / 1000));
        return arrow.vectorFromArray(data, field.type);
      });
      const table = new arrow.Table(schema, Object.fromEntries(names.map((name, index) => [name, vectors[index]!])) as never);
      const wasmTable = wasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
      for (const recordBatch of wasmTable.recordBatches()) controller.enqueue(recordBatch);
    },
  });
  const properties = new wasm.WriterPropertiesBuilder().setCompression(wasm.Compression.SNAPPY).build();
  const output = await wasm.transformParquetStream(input, properties);
  for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function duckdb(file: string, rows: number) {
  // DuckDB reads files, not a stream of rows: the rows go to a CSV spool file first (as PostgreSQL's COPY would write it).
  const csv = `${file}.csv`;
  const out = createWriteStream(csv);
  const quote = (value: unknown) => (value === null ? '' : `"${String(value).replace(/"/g, '""')}"`);
  for await (const batch of batches(rows)) {
    const lines = batch.map((values) => values.map((value, index) => (index === 10 ? quote(`{${(value as string[]).join(',')}}`) : quote(value))).join(',')).join('\n');
    if (!out.write(`${lines}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '100MB', threads: '2' });
  const connection = await instance.connect();
  const types = names.map((name, index) => {
    if (index === 5) return `'${name}': 'INTEGER'`;
    if (index >= 12 && index < 16) return `'${name}': 'INTEGER'`;
    if (index >= 16) return `'${name}': 'BIGINT'`;
    return `'${name}': 'VARCHAR'`;
  });
  const select = names.map((name, index) => {
    if (index === 5) return `(DATE '1970-01-01' + ${name})::DATE AS ${name}`;
    if (index === 10) return `CASE WHEN ${name} = '{}' THEN []::VARCHAR[] ELSE string_split(trim(${name}, '{}'), ',') END AS ${name}`;
    if (index >= 16) return `make_timestamptz(${name}) AS ${name}`;
    return name;
  });
  const converting = performance.now();
  await connection.run(`COPY (SELECT ${select.join(', ')} FROM read_csv('${csv}', header = false, columns = {${types.join(', ')}})) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
  connection.closeSync();
  rmSync(csv);
  return { convertSeconds: (performance.now() - converting) / 1000 };
}

/** The same rows made and parsed, nothing written: what every candidate's figures include. */
async function baseline(_file: string, rows: number) {
  for await (const batch of batches(rows)) void batch;
}

const candidates = { baseline, 'hyparquet-writer': hyparquet, '@dsnp/parquetjs': parquetjs, 'parquet-wasm + apache-arrow': parquetWasm, '@duckdb/node-api': duckdb } as const;
type Candidate = keyof typeof candidates;

async function child(name: Candidate, file: string, rows: number) {
  const started = performance.now();
  const extra = await candidates[name](file, rows);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds, peakMb: process.resourceUsage().maxRSS / 1024, ...(extra ?? {}) }));
}

async function check(file: string) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`);
  const types = Object.fromEntries(described.getRowObjects().map((row) => [String(row.column_name), String(row.column_type)]));
  const digest = await connection.runAndReadAll(`SELECT md5(string_agg(concat_ws('|', ${names.map((name) => `coalesce(${name}::VARCHAR, '∅')`).join(', ')}), '\n' ORDER BY vendor_data)) AS d, count(*) AS n FROM '${file}'`);
  const [row] = digest.getRowObjects();
  connection.closeSync();
  return { types, digest: String(row!.d), rows: Number(row!.n) };
}

async function main() {
  const [mode, name, file, rowsText] = process.argv.slice(2);
  if (mode === '--child') return child(name as Candidate, file!, Number(rowsText));
  const rows = Number(mode ?? 200_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parquet-bench-'));
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, unknown>[] = [];
  for (const candidate of Object.keys(candidates) as Candidate[]) {
    const target = path.join(dir, `${candidate.replace(/[^a-z]/gi, '_')}.parquet`);
    try {
      const measured = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', self, '--child', candidate, target, String(rows)], { encoding: 'utf8', maxBuffer: 1 << 20 }));
      const read = candidate === 'baseline' ? {} : await check(target);
      results.push({ candidate, ...measured, bytes: candidate === 'baseline' ? 0 : statSync(target).size, ...read });
    } catch (error) {
      results.push({ candidate, error: (error as Error).message.slice(0, 300) });
    }
  }
  const digests = new Set(results.filter((result) => result.digest).map((result) => result.digest));
  console.log(`${rows} rows, batches of ${BATCH}; digests agree: ${digests.size === 1}`);
  for (const result of results) console.log(JSON.stringify(result));
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}

await main();
