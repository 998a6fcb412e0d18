/**
 * Bulk faces benchmark (docs/faces.md): a ZIP of small JPEGs through a face import (stored, then processed entry
 * by entry), against two baselines on the same machine in the same run:
 *   - the old way, one users-API upload per image (POST …/faces/upload/ with base64, through the HTTP stack);
 *   - the floor, raw storage writes of the same images (no checks, no rows, no audit).
 * Prints images per second, the ratios, and resident memory: its peak, and how it moved between the
 * first and the last quarter of the import (it should stay flat whatever the image count).
 *
 *   npm run bench:faces                                   (1,000 faces; embedded PostgreSQL in a temp folder)
 *   npm run bench:faces -- --faces 10000
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:faces -- --faces 10000
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseConfig } from '../src/config/config.ts';
import { closeContext, createContext } from '../src/context.ts';
import { connectDatabase } from '../src/db/database.ts';
import { openEmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { createApiKey, createApplication, createOperator, createOrganization } from '../src/features/auth/tenancy.service.ts';
import { allJobs } from '../src/features/index.ts';
import { processFaceImport } from '../src/features/face-imports/face-import.job.ts';
import { createFaceImport } from '../src/features/face-imports/index.ts';
import { jpegVariant } from '../test/support/face-imports.ts';
import { buildZip } from '../test/zip-builder.ts';
import { argument } from './bench-support.ts';

const faceCount = argument('faces', 1_000);
const MB = 1024 * 1024;
const rate = (count: number, ms: number) => `${Math.round((count * 1000) / ms).toLocaleString('en-US')} images/s`;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-faces-bench-'));
const schema = `bench_faces_${randomBytes(4).toString('hex')}`;
let embedded: Awaited<ReturnType<typeof openEmbeddedDatabase>> | undefined;
let url = process.env.DATABASE_URL;
if (!url) {
  embedded = await openEmbeddedDatabase(path.join(dataDir, 'pg'), 54_000 + Math.floor(Math.random() * 1000));
  url = embedded.url;
}
const config = parseConfig({ ...process.env, DATABASE_URL: url, ROSTER_DATA_DIR: dataDir, ROSTER_DB_SCHEMA: schema, ROSTER_SECRET: 'bench-secret-bench-secret', LOG_LEVEL: 'silent', RATE_LIMIT_WRITES_PER_MINUTE: '0', RATE_LIMIT_READS_PER_MINUTE: '0' });
const database = connectDatabase(url, { schema });
const ctx = await createContext(config, database, { schema, log: { info: () => {}, warn: console.warn, error: console.error } });
// The queue takes the job the upload sends; no worker runs here: the import is processed in this process below.
await ctx.jobs.start(allJobs);
try {
  const org = await createOrganization(ctx.db, 'Bench');
  const app = await createApplication(ctx.db, org.id, 'Faces');
  const operator = await createOperator(ctx.db, { orgId: org.id, email: 'bench@example.com', role: 'OWNER', password: 'bench-password' });
  const key = await createApiKey(ctx.db, app.id, { name: 'bench' });
  // Two sets of users: one for the per-image API baseline, one for the bulk import.
  await sql`INSERT INTO users (app_id, vendor_data) SELECT ${app.id}::uuid, 'api-' || i FROM generate_series(0, ${faceCount - 1}) i`.execute(ctx.db);
  await sql`INSERT INTO users (app_id, vendor_data) SELECT ${app.id}::uuid, 'zip-' || i FROM generate_series(0, ${faceCount - 1}) i`.execute(ctx.db);
  const images = Array.from({ length: faceCount }, (_, i) => jpegVariant(`bench-${i}`));
  const imageBytes = images.reduce((sum, image) => sum + image.length, 0);
  console.log(`${faceCount.toLocaleString('en-US')} JPEGs of ~${Math.round(imageBytes / faceCount)} bytes; ${embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}, local storage`);

  // Floor: raw storage writes (the same durable write per file: temp file, fsync, rename).
  let started = performance.now();
  for (let i = 0; i < faceCount; i++) await ctx.storage.put(`bench-raw/${i}.jpg`, images[i]!, { contentType: 'image/jpeg' });
  const rawMs = performance.now() - started;

  // The old way: one users-API call per image, through Fastify.
  const http = await buildApp(ctx);
  await http.ready();
  const ids = await ctx.db.selectFrom('users').select(['didit_internal_id', 'vendor_data']).where('app_id', '=', app.id).where('vendor_data', 'like', 'api-%').execute();
  const idOf = new Map(ids.map((row) => [row.vendor_data, row.didit_internal_id]));
  started = performance.now();
  for (let i = 0; i < faceCount; i++) {
    const response = await http.inject({
      method: 'POST',
      url: `/v3/organization/${org.id}/application/${app.id}/vendor-users/by-id/${idOf.get(`api-${i}`)}/faces/upload/`,
      headers: { 'x-api-key': key.api_key, 'content-type': 'application/json' },
      payload: JSON.stringify({ image: images[i]!.toString('base64') }),
    });
    if (response.statusCode !== 201) throw new Error(`API upload ${i}: ${response.statusCode} ${response.body}`);
  }
  const apiMs = performance.now() - started;
  await http.close();

  // Bulk: upload the ZIP (streamed to storage), then process it in this process, sampling memory.
  const zip = buildZip(images.map((data, i) => ({ name: `faces/zip-${i}.jpg`, data, deflate: false })));
  const actor = { operator: { kind: 'operator' as const, operatorId: operator.id, orgId: org.id, role: 'OWNER' as const, email: operator.email, name: '', via: 'token' as const }, appId: app.id, ip: null };
  globalThis.gc?.();
  const rssBase = process.memoryUsage().rss;
  const samples: { processed: number; rss: number }[] = [];
  let peak = rssBase;
  started = performance.now();
  const created = await createFaceImport(ctx, actor, { stream: Readable.from([zip]), fileName: 'bench.zip' });
  const uploadMs = performance.now() - started;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      const row = await ctx.db.selectFrom('face_imports').select(['added', 'skipped', 'failed']).where('id', '=', created.id).executeTakeFirst();
      samples.push({ processed: (row?.added ?? 0) + (row?.skipped ?? 0) + (row?.failed ?? 0), rss });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const processStarted = performance.now();
  await processFaceImport(ctx, created.id, { signal: new AbortController().signal });
  const bulkMs = uploadMs + (performance.now() - processStarted);
  sampling = false;
  await sampler;
  const result = await ctx.db.selectFrom('face_imports').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
  if (result.added !== faceCount) throw new Error(`the import added ${result.added} of ${faceCount}: ${JSON.stringify(result.error)}`);

  const quarter = (from: number, to: number) => {
    const inRange = samples.filter((sample) => sample.processed >= from * faceCount && sample.processed <= to * faceCount).map((sample) => sample.rss);
    return inRange.length ? inRange.reduce((a, b) => a + b, 0) / inRange.length : Number.NaN;
  };
  const first = quarter(0, 0.25);
  const last = quarter(0.75, 1);
  console.log(`raw storage writes (floor)   ${(rawMs / 1000).toFixed(2)} s   ${rate(faceCount, rawMs)}`);
  console.log(`users API, one call an image ${(apiMs / 1000).toFixed(2)} s   ${rate(faceCount, apiMs)}`);
  console.log(`face import (ZIP, ${(zip.length / MB).toFixed(1)} MB)     ${(bulkMs / 1000).toFixed(2)} s   ${rate(faceCount, bulkMs)}  (upload ${uploadMs.toFixed(0)} ms)`);
  console.log(`ratio: face import / users API = ${(apiMs / bulkMs).toFixed(2)}x the throughput; face import / raw writes = ${(rawMs / bulkMs).toFixed(2)}x`);
  console.log(`memory: RSS before ${(rssBase / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB; mean over the first quarter ${(first / MB).toFixed(0)} MB, last quarter ${(last / MB).toFixed(0)} MB (${samples.length} samples)`);
} finally {
  await closeContext(ctx);
  if (embedded) await embedded.stop();
  else {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}
