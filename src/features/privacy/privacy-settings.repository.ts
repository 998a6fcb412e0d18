import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** SQL over app_privacy_settings; every query names the application. */
export interface PrivacySettings {
  purposes: string[];
  sources: string[];
  controller: string | null;
  updated_at: Date | null;
  updated_by: string | null;
}

export async function findPrivacySettings(db: Kysely<Database> | Transaction<Database>, appId: string): Promise<PrivacySettings> {
  const row = await db
    .selectFrom('app_privacy_settings')
    .leftJoin('operators', 'operators.id', 'app_privacy_settings.updated_by')
    .select(['purposes', 'sources', 'controller', 'app_privacy_settings.updated_at', 'operators.email as updated_by'])
    .where('app_id', '=', appId)
    .executeTakeFirst();
  return row ?? { purposes: [], sources: [], controller: null, updated_at: null, updated_by: null };
}

export async function savePrivacySettings(db: Kysely<Database> | Transaction<Database>, appId: string, operatorId: string, values: Partial<Pick<PrivacySettings, 'purposes' | 'sources' | 'controller'>>): Promise<void> {
  const json = { ...(values.purposes ? { purposes: JSON.stringify(values.purposes) } : {}), ...(values.sources ? { sources: JSON.stringify(values.sources) } : {}) };
  const set = { ...json, ...(values.controller !== undefined ? { controller: values.controller } : {}), updated_by: operatorId, updated_at: new Date() };
  await db
    .insertInto('app_privacy_settings')
    .values({ app_id: appId, ...set })
    .onConflict((conflict) => conflict.column('app_id').doUpdateSet(set))
    .execute();
}
