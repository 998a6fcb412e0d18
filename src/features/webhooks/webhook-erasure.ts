import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { eraseChanges, eraseInJson, eraseInText, eraseUserObject, likePatterns, type Needles } from '../../platform/erasure/erase-values.ts';
import { personalDataFields } from '../../shared/user-catalogue.ts';

/**
 * The webhooks feature's part of an erasure (docs/privacy.md#erasure): the stored bodies of deliveries
 * about the user (and any other body naming the person) read "[erased]" where the person's values were,
 * whether already sent or still to send; attempt logs (a receiver's answer may echo the body) likewise.
 * What a receiver already got is outside Roster: the certificate says which endpoints had deliveries.
 */
export async function eraseDeliveriesBatch(
  trx: Kysely<Database> | Transaction<Database>,
  scope: { appId: string; userId: string; needles: Needles },
  afterId: string | null,
  limit: number,
): Promise<{ last: string | null; rewritten: number; endpoints: string[] }> {
  const patterns = likePatterns(scope.needles);
  const { rows } = await sql<{ id: string; endpoint_id: string; user_id: string | null; body: string }>`
    SELECT id, endpoint_id, user_id, body FROM webhook_deliveries
     WHERE app_id = ${scope.appId}::uuid AND id > ${afterId ?? '00000000-0000-0000-0000-000000000000'}::uuid
       AND (user_id = ${scope.userId}::uuid OR (cardinality(${patterns}::text[]) > 0 AND body ILIKE ANY(${patterns}::text[])))
     ORDER BY id LIMIT ${limit}::int`.execute(trx);
  const endpoints = new Set<string>();
  let rewritten = 0;
  for (const row of rows) {
    endpoints.add(row.endpoint_id);
    const body = erasedBody(row.body, row.user_id === scope.userId, scope.needles);
    if (body !== row.body) {
      await sql`UPDATE webhook_deliveries SET body = ${body} WHERE id = ${row.id}::uuid`.execute(trx);
      rewritten++;
    }
    await sql`UPDATE webhook_attempts SET response_excerpt = ${null}, error = ${null}
               WHERE delivery_id = ${row.id}::uuid AND (response_excerpt ILIKE ANY(${patterns}::text[]) OR error ILIKE ANY(${patterns}::text[]))`.execute(trx);
  }
  return { last: rows.length === 0 ? null : rows[rows.length - 1]!.id, rewritten, endpoints: [...endpoints] };
}

function erasedBody(text: string, aboutUser: boolean, needles: Needles): string {
  let body: { data?: Record<string, unknown> };
  try {
    body = JSON.parse(text);
  } catch {
    return eraseInText(text, needles);
  }
  if (aboutUser && body.data) {
    body.data = { ...body.data };
    if ('changes' in body.data) body.data.changes = eraseChanges(body.data.changes, personalDataFields);
    if ('user' in body.data) body.data.user = eraseUserObject(body.data.user, personalDataFields);
  }
  const erased = JSON.stringify(eraseInJson(body, needles));
  return erased === JSON.stringify(JSON.parse(text)) ? text : erased;
}
