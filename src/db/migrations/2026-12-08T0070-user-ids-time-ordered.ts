import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // New users get time-ordered UUIDs (version 7, RFC 9562: the first 48 bits are the Unix time in
  // milliseconds, the rest random): each insert lands at the right edge of the primary key's btree
  // instead of on a random leaf of it. 500,000 users inserted in 10,000-row chunks took 0.66× the time
  // of random (version 4) keys (bench/RESULTS.md, issue #24). Existing users keep their keys.
  // PostgreSQL 15 has no uuidv7(): the random UUID's first six bytes are replaced by the time and its
  // version nibble turned from 4 into 7 (bits 52 and 53); the variant bits stay as they are.
  await sql`
    CREATE FUNCTION roster_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
      SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
               PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
             52, 1), 53, 1), 'hex')::uuid
    $$;
    ALTER TABLE users ALTER COLUMN didit_internal_id SET DEFAULT roster_uuid_v7();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
