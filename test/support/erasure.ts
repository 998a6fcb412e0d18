import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import type { TestRoster, TestTenant } from '../harness.ts';

/** Helpers for the erasure tests: request and wait, and the scan of every table and every stored object. */

export async function requestErasure(roster: TestRoster, tenant: TestTenant, userId: string, body: Record<string, unknown>, role: keyof TestTenant['operators'] = 'COMPLIANCE_OFFICER') {
  return roster.app.inject({ method: 'POST', url: `/api/console/apps/${tenant.appId}/users/${userId}/erase`, headers: tenant.operators[role].auth, payload: body });
}

export async function waitForErasure(roster: TestRoster, tenant: TestTenant, id: string, timeoutMs = 120_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await roster.app.inject({ method: 'GET', url: `/api/console/apps/${tenant.appId}/erasures/${id}`, headers: tenant.operators.OWNER.auth });
    const body = response.json();
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`erasure ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ScanHit {
  where: string;
  needle: string;
}

/**
 * Every text, varchar, json, jsonb and array column of every table in the test's schemas (Roster's and
 * pg-boss's), read through information_schema, searched for each needle (case-insensitive).
 */
export async function scanTables(roster: TestRoster, needles: readonly string[]): Promise<ScanHit[]> {
  const { rows: columns } = await sql<{ table_schema: string; table_name: string; column_name: string }>`
    SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema IN (${roster.schema}, ${`${roster.schema}_jobs`})
       AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY'))`.execute(roster.ctx.db);
  const hits: ScanHit[] = [];
  for (const column of columns) {
    for (const needle of needles) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.id(column.table_schema, column.table_name)} WHERE ${sql.id(column.column_name)}::text ILIKE ${`%${needle}%`}`.execute(roster.ctx.db);
      if (rows[0]!.n > 0) hits.push({ where: `${column.table_name}.${column.column_name} (${rows[0]!.n} rows)`, needle });
    }
  }
  return hits;
}

/** Every object in the bucket, read whole (gunzipped when gzip), searched for each needle. */
export async function scanBucket(endpoint: string, bucket: string, needles: readonly string[]): Promise<ScanHit[]> {
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const hits: ScanHit[] = [];
  try {
    let token: string | undefined;
    do {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of listed.Contents ?? []) {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }));
        let bytes = Buffer.from(await got.Body!.transformToByteArray());
        if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
        const text = bytes.toString('utf8').toLowerCase();
        for (const needle of needles) if (text.includes(needle.toLowerCase())) hits.push({ where: `object ${object.Key}`, needle });
      }
      token = listed.NextContinuationToken;
    } while (token);
  } finally {
    client.destroy();
  }
  return hits;
}
