/**
 * Row validation benchmark: validateRow (every column an import checks: vendor_data, names, email,
 * phone, country, status, tags, metadata JSON, lengths) against the same row check with the phone
 * cell judged by libphonenumber-js itself (parsePhoneNumberFromString + isValid, as before the
 * compiled validator), in the same process, one thread.
 *
 *   npm run bench:validation                      (100,000, 1,000,000 and 5,000,000 rows)
 *   VALIDATION_BENCH_SIZES=20000 npm run bench:validation
 *   VALIDATION_BENCH_BASELINE_ROWS=200000         (rows the slower baseline runs at each size; default 200,000)
 *
 * Rows are made in chunks of 10,000 outside the timed part, so a 5M-row run never holds more than
 * one chunk. Rates are rows per second of this thread's CPU time (process.cpuUsage), which a
 * shared machine disturbs less than wall time; wall rates are printed beside them.
 */
import os from 'node:os';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ColumnPlan } from '../src/features/imports/validation/import-columns.ts';
import { validateRow } from '../src/features/imports/validation/row-validation.ts';
import { fastCountry, fastEmail, fastMetadata, fastName, fastPhone, fastStatus, fastTags, fastVendorData } from '../src/features/users/user-fields-fast.ts';

const sizes = (process.env.VALIDATION_BENCH_SIZES ?? '100000,1000000,5000000').split(',').map((size) => Number(size.trim()));
const baselineRows = Number(process.env.VALIDATION_BENCH_BASELINE_ROWS ?? 200_000);
const CHUNK = 10_000;

const firstNames = ['Ana', 'José', 'Zoë', 'Li', 'Sam', 'Émile', 'Noor', 'Kofi', 'Ines', 'Mateo'];
const lastNames = ['López', 'Müller', 'Okafor', 'Wang', 'Núñez', 'Smith', 'Dubois', 'Rossi', 'Kowalski', 'Haddad'];
const countries = ['ESP', 'FRA', 'DEU', 'USA', 'GBR', 'ITA'];
const header = ['vendor_data', 'display_name', 'full_name', 'email', 'phone', 'country', 'status', 'tags', 'metadata_json'];
const plan: ColumnPlan = { fieldCount: header.length, positions: Object.fromEntries(header.map((name, index) => [name, index])) };
// The baseline checks every column but the phone the same way, then the phone with the library.
const planWithoutPhone: ColumnPlan = { fieldCount: header.length, positions: { ...plan.positions, phone: undefined } };

function phoneOf(i: number): string {
  const n = String(i % 10_000_000).padStart(7, '0');
  switch (i % 4) {
    case 0: return `+346${n}1`;
    case 1: return `+33 6 ${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4)}1`;
    case 2: return `+447400${n.slice(1)}`;
    default: return `+1 201 555 ${n.slice(3)}`;
  }
}

/** Row i as the CSV reader hands it over; every 100th row is invalid (email, phone or country). */
function rowFields(i: number): string[] {
  const first = firstNames[i % 10]!;
  const last = lastNames[Math.floor(i / 10) % 10]!;
  const invalid = i % 100 === 50 ? i % 3 : -1;
  return [
    `cust-${i}`,
    first,
    `${first} ${last}`,
    invalid === 0 ? `user${i}.example.com` : `user${i}@example.com`,
    invalid === 1 ? `+34 12${String(i).padStart(6, '0')}` : phoneOf(i),
    invalid === 2 ? 'XYZ' : countries[i % countries.length]!,
    i % 7 === 0 ? 'FLAGGED' : 'ACTIVE',
    `vip,batch-${i % 5}`,
    `{"tier":"gold","n":${i}}`,
  ];
}

function libraryRow(fields: string[]): number {
  const result = validateRow(fields, planWithoutPhone);
  const phone = parsePhoneNumberFromString(fields[4]!);
  return result.errors.length + (phone && phone.isValid() ? 0 : 1);
}

function compiledRow(fields: string[]): number {
  return validateRow(fields, plan).errors.length;
}

interface Measured { rows: number; cpuMs: number; wallMs: number; invalid: number }

function measure(rows: number, check: (fields: string[]) => number): Measured {
  let cpuMs = 0;
  let wallMs = 0;
  let invalid = 0;
  for (let start = 1; start <= rows; start += CHUNK) {
    const chunk: string[][] = [];
    for (let i = start; i < start + CHUNK && i <= rows; i++) chunk.push(rowFields(i));
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (const fields of chunk) if (check(fields) > 0) invalid++;
    wallMs += performance.now() - wall;
    const used = process.cpuUsage(cpu);
    cpuMs += (used.user + used.system) / 1000;
  }
  return { rows, cpuMs, wallMs, invalid };
}

const perSecond = (rows: number, ms: number) => Math.round((rows / ms) * 1000).toLocaleString('en');

console.log(`Node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; one thread`);
measure(50_000, compiledRow); // warm-up: both paths compiled by V8 before timing
measure(5_000, libraryRow);
for (const rows of sizes) {
  const compiled = measure(rows, compiledRow);
  const library = measure(Math.min(rows, baselineRows), libraryRow);
  const compiledRate = compiled.rows / compiled.cpuMs;
  const libraryRate = library.rows / library.cpuMs;
  console.log(
    `${rows.toLocaleString('en')} rows: validateRow ${perSecond(compiled.rows, compiled.cpuMs)} rows/s CPU (${perSecond(compiled.rows, compiled.wallMs)} wall, ` +
      `${((compiled.cpuMs * 1e6) / compiled.rows).toFixed(0)} ns/row, ${compiled.invalid} invalid) · libphonenumber-based ${perSecond(library.rows, library.cpuMs)} rows/s CPU ` +
      `over ${library.rows.toLocaleString('en')} rows (${library.invalid} invalid) · ratio ${(compiledRate / libraryRate).toFixed(1)}×`,
  );
}

/** Where a row's time goes: each column's fast check alone, and JSON.parse alone (the floor of the metadata cell). */
function perColumn(cells: number): void {
  const sample = Array.from({ length: 10_000 }, (_, i) => rowFields(i + 1));
  const columns: [string, (cell: string) => unknown, number][] = [
    ['vendor_data', fastVendorData, 0], ['display_name', fastName, 1], ['full_name', fastName, 2], ['email', fastEmail, 3], ['phone', fastPhone, 4],
    ['country', fastCountry, 5], ['status', fastStatus, 6], ['tags', fastTags, 7], ['metadata_json', fastMetadata, 8], ['JSON.parse alone', (cell) => JSON.parse(cell), 8],
  ];
  const parts: string[] = [];
  for (const [name, check, index] of columns) {
    for (let i = 0; i < 100_000; i++) check(sample[i % sample.length]![index]!);
    const cpu = process.cpuUsage();
    for (let i = 0; i < cells; i++) check(sample[i % sample.length]![index]!);
    const used = process.cpuUsage(cpu);
    parts.push(`${name} ${(((used.user + used.system) * 1000) / cells).toFixed(0)}`);
  }
  console.log(`ns per cell (CPU, ${cells.toLocaleString('en')} cells each): ${parts.join(' · ')}`);
}
perColumn(Math.min(1_000_000, Math.max(...sizes)));
