/**
 * The import benchmarks' users file: 9 columns with accented names, quoted tags and JSON, and 1%
 * invalid rows (bad email, phone or country: values PostgreSQL alone would store). Written in a child
 * process (`generateImportFile`), so its garbage never counts toward the measuring process's memory.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

export const header = 'vendor_data,display_name,full_name,email,phone,country,status,tags,metadata_json';
const firstNames = ['Ana', 'José', 'Zoë', 'Li', 'Sam', 'Émile', 'Noor', 'Kofi', 'Ines', 'Mateo'];
const lastNames = ['López', 'Müller', 'Okafor', 'Wang', 'Núñez', 'Smith', 'Dubois', 'Rossi', 'Kowalski', 'Haddad'];
const countries = ['ESP', 'FRA', 'DEU', 'USA', 'GBR', 'ITA'];

/** Row i of a file; every 100th row is invalid in a way PostgreSQL alone would not notice. */
function csvRow(i: number): string {
  const first = firstNames[i % 10]!;
  const last = lastNames[Math.floor(i / 10) % 10]!;
  const invalid = i % 100 === 50 ? i % 3 : -1;
  const email = invalid === 0 ? `user${i}.example.com` : `user${i}@example.com`;
  const phone = invalid === 1 ? `+34 12${String(i).padStart(6, '0')}` : i % 2 === 0 ? `+346${String(i).padStart(8, '0')}` : `+336${String(i).padStart(8, '0')}`;
  const country = invalid === 2 ? 'XYZ' : countries[i % countries.length]!;
  return `cust-${i},${first},"${first} ${last}",${email},${phone},${country},${i % 7 === 0 ? 'FLAGGED' : 'ACTIVE'},"vip,batch-${i % 5}","{""tier"":""gold"",""n"":${i}}"\n`;
}

async function writeImportFile(file: string, rows: number): Promise<void> {
  async function* lines() {
    yield `${header}\n`;
    let text = '';
    for (let i = 1; i <= rows; i++) {
      text += csvRow(i);
      if (i % 5_000 === 0) {
        yield text;
        text = '';
      }
    }
    if (text) yield text;
  }
  await pipeline(Readable.from(lines()), createWriteStream(file));
}

/** Writes `rows` rows (plus the header) to `file` from a child process. */
export async function generateImportFile(file: string, rows: number): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--generate-import-file', file, String(rows)], { execArgv: ['--import', 'tsx'] });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`generating ${file} failed (${code})`);
}

/** Streams the file with http.request: fetch's web-stream body would read the whole file ahead into this process's memory. */
export async function uploadImportFile(url: string, auth: Record<string, string>, file: string): Promise<{ id: string }> {
  const request = http.request(url, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(statSync(file).size) } });
  const answered = once(request, 'response') as Promise<[http.IncomingMessage]>;
  await pipeline(createReadStream(file), request);
  const [response] = await answered;
  let body = '';
  for await (const chunk of response) body += chunk;
  if (response.statusCode !== 201) throw new Error(`upload: ${response.statusCode} ${body}`);
  return JSON.parse(body) as { id: string };
}

if (process.argv[2] === '--generate-import-file') await writeImportFile(process.argv[3]!, Number(process.argv[4]));
