import type { Kysely, Transaction } from 'kysely';
import type { Database, Role } from '../../db/schema.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

type Db = Kysely<Database> | Transaction<Database>;

const operatorColumns = ['id', 'email', 'name', 'role', 'created_at'] as const;

export interface OperatorRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
}

/** Every query names the organization, so an operator id from another tenant finds nothing. */
export function listOperators(db: Db, orgId: string): Promise<OperatorRow[]> {
  return db.selectFrom('operators').select(operatorColumns).where('org_id', '=', orgId).where('removed_at', 'is', null).orderBy('created_at').orderBy('id').execute();
}

export async function findOperator(db: Db, orgId: string, operatorId: string): Promise<OperatorRow | undefined> {
  if (!isUuid(operatorId)) return undefined;
  return db.selectFrom('operators').select(operatorColumns).where('org_id', '=', orgId).where('id', '=', operatorId).where('removed_at', 'is', null).executeTakeFirst();
}

/** Role changes and removals in one organization take turns, so two of them cannot both remove "the other" last OWNER. */
export async function lockOrganization(trx: Transaction<Database>, orgId: string): Promise<void> {
  await trx.selectFrom('organizations').select('id').where('id', '=', orgId).forUpdate().execute();
}

export async function countOwners(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('operators')
    .select((eb) => eb.fn.countAll<number>().as('owners'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'OWNER')
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.owners);
}

export function updateOperator(db: Db, orgId: string, operatorId: string, changes: { role?: Role; name?: string }): Promise<OperatorRow> {
  return db
    .updateTable('operators')
    .set({ ...changes, updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', operatorId)
    .returning(operatorColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Ends every way the operator had in: sessions go (but `keepSessionHash`, the one making the request, if
 * given), console tokens are revoked. API keys belong to applications, not to operators, and stay.
 */
export async function endOperatorCredentials(trx: Transaction<Database>, operatorId: string, options: { keepSessionHash?: Buffer } = {}): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  let sessions = trx.deleteFrom('operator_sessions').where('operator_id', '=', operatorId);
  if (options.keepSessionHash) sessions = sessions.where('token_hash', '!=', options.keepSessionHash);
  const ended = await sessions.executeTakeFirst();
  const tokens = await trx.updateTable('console_tokens').set({ revoked_at: new Date() }).where('operator_id', '=', operatorId).where('revoked_at', 'is', null).executeTakeFirst();
  return { sessionsEnded: Number(ended.numDeletedRows), tokensRevoked: Number(tokens.numUpdatedRows) };
}

/** Marks the operator removed and ends every session and token of theirs. */
export async function removeOperator(trx: Transaction<Database>, orgId: string, operatorId: string): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const now = new Date();
  await trx.updateTable('operators').set({ removed_at: now, updated_at: now }).where('org_id', '=', orgId).where('id', '=', operatorId).execute();
  return endOperatorCredentials(trx, operatorId);
}
