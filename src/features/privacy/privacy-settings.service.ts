import type { AppContext } from '../../context.ts';
import { recordAudit } from '../audit/index.ts';
import { authorize, loadOwnedApp, type OperatorPrincipal } from '../auth/index.ts';
import { findPrivacySettings, type PrivacySettings, savePrivacySettings } from './privacy-settings.repository.ts';
import { buildProcessingRecord, type ProcessingRecord } from './processing-record.ts';

/** An application's privacy settings and its record of processing (docs/privacy.md#record-of-processing). */

export async function getPrivacySettings(ctx: AppContext, operator: OperatorPrincipal, appId: string): Promise<PrivacySettings> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'privacy.settings');
  return findPrivacySettings(ctx.db, app.id);
}

export async function changePrivacySettings(
  ctx: AppContext,
  operator: OperatorPrincipal,
  appId: string,
  change: Partial<Pick<PrivacySettings, 'purposes' | 'sources' | 'controller'>>,
  ip: string | null,
): Promise<PrivacySettings> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'privacy.settings');
  return ctx.db.transaction().execute(async (trx) => {
    const before = await findPrivacySettings(trx, app.id);
    await savePrivacySettings(trx, app.id, operator.operatorId, change);
    const after = await findPrivacySettings(trx, app.id);
    const changed = (['purposes', 'sources', 'controller'] as const).filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
    if (changed.length > 0) {
      await recordAudit(trx, {
        orgId: app.org_id,
        appId: app.id,
        actor: operator,
        action: 'privacy_settings.changed',
        target: { type: 'application', id: app.id },
        details: { changes: Object.fromEntries(changed.map((field) => [field, { from: before[field], to: after[field] }])) },
        ip,
      });
    }
    return after;
  });
}

export async function getProcessingRecord(ctx: AppContext, operator: OperatorPrincipal, appId: string): Promise<ProcessingRecord> {
  const app = await loadOwnedApp(ctx, operator, appId);
  authorize(operator, 'privacy.settings');
  return buildProcessingRecord(ctx, app);
}
