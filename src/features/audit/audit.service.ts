import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Principal } from '../auth/principal.ts';

export interface AuditEntry {
  orgId: string;
  appId?: string | null;
  actor: Principal | SystemActor;
  action: string;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  outcome?: 'success' | 'failure';
  ip?: string | null;
}

export interface SystemActor {
  kind: 'system';
  label: string;
}

export const systemActor = (label = 'roster'): SystemActor => ({ kind: 'system', label });

/** Writes one audit entry; pass the caller's transaction so the entry commits (or not) with the change. */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  const actor = entry.actor;
  await db
    .insertInto('audit_logs')
    .values({
      org_id: entry.orgId,
      app_id: entry.appId ?? null,
      actor_type: actor.kind === 'operator' ? 'operator' : actor.kind === 'api_key' ? 'api_key' : 'system',
      actor_id: actor.kind === 'operator' ? actor.operatorId : actor.kind === 'api_key' ? actor.keyId : null,
      actor_label: actor.kind === 'operator' ? actor.email : actor.kind === 'api_key' ? `api key ${actor.keyPrefix}` : actor.label,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      details: JSON.stringify(entry.details ?? {}),
      outcome: entry.outcome ?? 'success',
      ip: entry.ip ?? null,
    })
    .execute();
}
