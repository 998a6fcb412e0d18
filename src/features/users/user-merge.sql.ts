import { auditActionSql, auditInsertSql } from '../audit/audit-writer.public.ts';
import { defaultUserStatus, importChangeFields, type UserFieldSpec } from '../../shared/user-catalogue.ts';

/**
 * The import's merge and ledger diff as SQL, generated from the field catalogue: one expression per
 * field an import writes, so a field added to the catalogue is merged, diffed and reverted with no
 * other change here. Column names come from the catalogue (trusted identifiers), never from input.
 */

const fields = importChangeFields as readonly (UserFieldSpec & { column: string })[];
const insertDefaults: Partial<Record<string, string>> = { status: `'${defaultUserStatus}'`, tags: `'{}'`, metadata: `'{}'` };

/** The value a row leaves in a field: the staged value unless the cell was empty, or the field is frozen by a verification. */
function mergedValue(spec: UserFieldSpec & { column: string }): string {
  const keep = spec.frozenOnceVerified ? `s.${spec.column} IS NULL OR u.verified_at IS NOT NULL` : `s.${spec.column} IS NULL`;
  return `CASE WHEN ${keep} THEN u.${spec.column} ELSE ${givenValue(spec, 'u')} END`;
}

/**
 * The staged value as the import's write modes apply it over what `alias` (the user; null on create)
 * holds: $14 tags_mode, $15 metadata_mode (rules in write-modes.ts, which the preview uses).
 */
function givenValue(spec: UserFieldSpec & { column: string }, alias: string | null): string {
  const given = `s.${spec.column}`;
  const held = alias === null ? `${insertDefaults[spec.column]}::${spec.kind === 'tags' ? 'text[]' : 'jsonb'}` : `coalesce(${alias}.${spec.column}, ${insertDefaults[spec.column]})`;
  if (spec.kind === 'tags') {
    return `CASE $14::text
      WHEN 'merge' THEN ${held} || ARRAY(SELECT t FROM unnest(${given}) WITH ORDINALITY g(t, n) WHERE NOT t = ANY(${held}) ORDER BY n)
      WHEN 'remove' THEN ARRAY(SELECT t FROM unnest(${held}) WITH ORDINALITY h(t, n) WHERE NOT t = ANY(${given}) ORDER BY n)
      ELSE ${given} END`;
  }
  if (spec.kind === 'metadata') return `CASE $15::text WHEN 'merge' THEN ${held} || ${given} ELSE ${given} END`;
  return given;
}

/** `{"field": {"from", "to"}}` for the fields whose value changes (jsonb; '{}' when none). */
export function changesJsonSql(from: (column: string) => string, to: (column: string) => string, changed: (column: string) => string): string {
  return fields
    .map((spec) => `CASE WHEN ${changed(spec.column)} THEN jsonb_build_object('${spec.name}', jsonb_build_object('from', ${from(spec.column)}, 'to', ${to(spec.column)})) ELSE '{}'::jsonb END`)
    .join(' || ');
}

/** A created user's changes: every field it was given, from null. */
function createdChangesSql(): string {
  const given = (spec: UserFieldSpec & { column: string }) => {
    const column = `i.${spec.column}`;
    if (spec.kind === 'tags') return `cardinality(${column}) > 0`;
    if (spec.kind === 'metadata') return `${column} <> '{}'::jsonb`;
    return `${column} IS NOT NULL`;
  };
  return fields
    .map((spec) => `CASE WHEN ${given(spec)} THEN jsonb_build_object('${spec.name}', jsonb_build_object('from', NULL, 'to', i.${spec.column})) ELSE '{}'::jsonb END`)
    .join(' || ');
}

// A new user holds nothing: tags `remove` leaves it none, `merge` gives it the cell's.
const insertValue = (spec: UserFieldSpec & { column: string }) =>
  insertDefaults[spec.column] ? `coalesce(${givenValue(spec, null)}, ${insertDefaults[spec.column]})` : `s.${spec.column}`;

/**
 * One chunk of staged rows merged into `users` with its ledger, as one statement.
 *
 * $1 app_id · $2 import_id · $3 after row · $4 up to row · $5 org_id · $6 actor id · $7 actor label
 * $8 details every entry carries (jsonb) · $9 mode · $10 import-wide status reason · $11 allow_unblock
 * $12 only these vendor_data (text[], null for all) · $13 write the ledger (false only to measure its cost)
 * $14 tags_mode · $15 metadata_mode (write-modes.ts)
 *
 * `joined` probes the users index once per staged row (LATERAL) and locks what it finds in
 * vendor_data order, so concurrent imports lock in the same order and the diff's `from` is the value
 * the UPDATE replaces. A row the run may not apply is judged here (skip_code): create_only → exists,
 * update_only → not_found, a status change off BLOCKED without consent → unblock_not_confirmed, a
 * status change without any reason → status_reason_required.
 */
/** Columns every per-user entry of a chunk shares: the import's organization, application and starter, the import as batch. */
const ledgerActor = { org_id: '$5::uuid', app_id: '$1::uuid', actor_type: `'operator'`, actor_id: '$6::text', actor_label: '$7::text', target_type: `'user'`, batch_id: '$2::uuid' };

export const mergeChunkSql = `
WITH staged AS MATERIALIZED (
  SELECT r.row, r.vendor_data, ${fields.map((spec) => `r.${spec.column}`).join(', ')}, coalesce(r.status_reason, $10::text) AS reason
    FROM import_rows r
   WHERE r.import_id = $2::uuid AND r.row > $3::int AND r.row <= $4::int AND r.errors IS NULL
     AND ($12::text[] IS NULL OR r.vendor_data = ANY($12::text[]))
   ORDER BY r.vendor_data
), joined AS MATERIALIZED (
  SELECT s.*, u.didit_internal_id, u.verified_at, ${fields.map((spec) => `u.${spec.column} AS o_${spec.column}`).join(', ')}
    FROM staged s
    LEFT JOIN LATERAL (
      SELECT * FROM users u WHERE u.app_id = $1::uuid AND u.vendor_data = s.vendor_data FOR UPDATE
    ) u ON true
), merged AS MATERIALIZED (
  SELECT j.row, j.vendor_data, j.didit_internal_id, j.reason,
         ${fields.map((spec) => `j.o_${spec.column}, ${mergedValue(spec).replaceAll('s.', 'j.').replaceAll('u.', 'j.o_').replace('j.o_verified_at', 'j.verified_at')} AS n_${spec.column}`).join(',\n         ')}
    FROM joined j WHERE j.didit_internal_id IS NOT NULL
), judged AS MATERIALIZED (
  SELECT m.*,
         (${fields.map((spec) => `m.n_${spec.column} IS DISTINCT FROM m.o_${spec.column}`).join(' OR ')}) AS changed,
         m.n_status IS DISTINCT FROM m.o_status AS status_changed
    FROM merged m
), outcome AS MATERIALIZED (
  SELECT j.*,
         CASE WHEN $9::text = 'create_only' THEN 'exists'
              WHEN j.status_changed AND j.o_status = 'BLOCKED' AND NOT $11::boolean THEN 'unblock_not_confirmed'
              WHEN j.status_changed AND j.reason IS NULL THEN 'status_reason_required'
         END AS skip_code
    FROM judged j
), updated AS (
  UPDATE users u SET ${fields.map((spec) => `${spec.column} = o.n_${spec.column}`).join(', ')}, updated_at = now()
    FROM outcome o
   WHERE u.didit_internal_id = o.didit_internal_id AND o.changed AND o.skip_code IS NULL
  RETURNING u.didit_internal_id
), inserted AS (
  INSERT INTO users (app_id, vendor_data, ${fields.map((spec) => spec.column).join(', ')})
  SELECT $1::uuid, s.vendor_data, ${fields.map(insertValue).join(', ')}
    FROM joined s
   WHERE s.didit_internal_id IS NULL AND $9::text <> 'update_only'
   ORDER BY s.vendor_data
  ON CONFLICT (app_id, vendor_data) DO NOTHING
  RETURNING didit_internal_id, vendor_data, ${fields.map((spec) => spec.column).join(', ')}
), ledger AS (
  ${auditInsertSql([
    {
      ...ledgerActor,
      action: `CASE WHEN o.status_changed THEN ${auditActionSql('user.status_changed')} ELSE ${auditActionSql('user.updated')} END`,
      target_id: 'o.didit_internal_id::text',
      details: `$8::jsonb || jsonb_build_object('vendor_data', o.vendor_data, 'changes',
           ${changesJsonSql((c) => `o.o_${c}`, (c) => `o.n_${c}`, (c) => `o.n_${c} IS DISTINCT FROM o.o_${c}`)})
           || CASE WHEN o.status_changed THEN jsonb_build_object('reason', o.reason) ELSE '{}'::jsonb END`,
      from: 'FROM outcome o WHERE $13::boolean AND o.changed AND o.skip_code IS NULL',
    },
    {
      ...ledgerActor,
      action: auditActionSql('user.created'),
      target_id: 'i.didit_internal_id::text',
      details: `$8::jsonb || jsonb_build_object('vendor_data', i.vendor_data, 'changes', ${createdChangesSql()})`,
      from: 'FROM inserted i WHERE $13::boolean',
    },
  ])}
)
SELECT (SELECT count(*) FROM staged)::int AS valid,
       (SELECT array_agg(id) FROM ledger) AS ledger_ids,
       (SELECT count(*) FROM updated)::int AS updated,
       (SELECT count(*) FROM inserted)::int AS created,
       (SELECT count(*) FROM outcome WHERE skip_code IS NULL AND NOT changed)::int AS unchanged,
       (SELECT coalesce(json_agg(json_build_object('row', o.row, 'code', o.skip_code)), '[]')
          FROM outcome o WHERE o.skip_code IS NOT NULL AND (o.changed OR o.skip_code = 'exists')) AS skips,
       (SELECT coalesce(json_agg(json_build_object('row', s.row, 'code', 'not_found')), '[]')
          FROM joined s WHERE s.didit_internal_id IS NULL AND $9::text = 'update_only') AS not_found,
       -- Rows a concurrent import created after this statement's snapshot (DO NOTHING skipped them): computed only then.
       CASE WHEN (SELECT count(*) FROM inserted) < (SELECT count(*) FROM joined s WHERE s.didit_internal_id IS NULL AND $9::text <> 'update_only')
            THEN (SELECT array_agg(s.vendor_data) FROM joined s
                   WHERE s.didit_internal_id IS NULL AND NOT EXISTS (SELECT 1 FROM inserted i WHERE i.vendor_data = s.vendor_data))
       END AS lost`;

/** The current value of the field named by `key`, as the ledger writes it (jsonb; JSON null for SQL NULL), from `cur_<column>` columns of `alias`. */
export function currentJsonSql(key: string, alias: string): string {
  return `CASE ${key} ${fields.map((spec) => `WHEN '${spec.name}' THEN coalesce(to_jsonb(${alias}.cur_${spec.column}), 'null'::jsonb)`).join(' ')} END`;
}

/** `u.<column> AS cur_<column>` for every field an import writes. */
export const currentColumnsSql = fields.map((spec) => `u.${spec.column} AS cur_${spec.column}`).join(', ');

/** SET clauses restoring each field found in the jsonb object `restore` ({"field": from-value}). */
export function restoreSetSql(restore: string, alias: string): string {
  return fields
    .map((spec) => {
      const json = `${restore}->'${spec.name}'`;
      let value: string;
      if (spec.kind === 'tags') value = `ARRAY(SELECT jsonb_array_elements_text(${json}))`;
      else if (spec.kind === 'metadata') value = json;
      else value = `${json} #>> '{}'`;
      return `${spec.column} = CASE WHEN ${restore} ? '${spec.name}' THEN ${value} ELSE ${alias}.${spec.column} END`;
    })
    .join(', ');
}

export const ledgerFieldNames: readonly string[] = fields.map((spec) => spec.name);
