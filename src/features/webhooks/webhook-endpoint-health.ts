import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import { secretBox } from '../../platform/crypto/secret-box.ts';
import { recordAudit, systemActor } from '../audit/audit-writer.public.ts';
import type { PostOutcome } from './webhook-http.ts';

/**
 * An endpoint's standing (docs/webhooks.md, "Retries"): a success clears its failing streak; `410 Gone`
 * disables it at once; failing every attempt for FAILING_DISABLES_AFTER_MS disables it. Either way its
 * application's OWNERs and ADMINs are mailed, and its events wait (nothing is lost) until it is enabled.
 */
export const FAILING_DISABLES_AFTER_MS = 5 * 24 * 3600 * 1000;

export const webhookSecrets = (ctx: AppContext) => secretBox(ctx.config.ROSTER_SECRET, 'webhook-secret');

/** Opened secrets by their sealed text: a delivery must not pay a decryption per attempt (bench/RESULTS.md, webhooks). */
const openedSecrets = new Map<string, string>();
function openSecret(ctx: AppContext, sealed: string): string {
  let opened = openedSecrets.get(sealed);
  if (opened === undefined) {
    if (openedSecrets.size >= 1000) openedSecrets.clear();
    opened = webhookSecrets(ctx).open(sealed);
    openedSecrets.set(sealed, opened);
  }
  return opened;
}

/** The secrets that sign now, from an endpoint row read with the delivery (the current one, and the previous one for 24 h after a rotation). */
export function signingSecrets(ctx: AppContext, endpoint: { secret_sealed: string; previous_secret_sealed: string | null; previous_secret_until: Date | null }, now: Date): string[] {
  const secrets = [openSecret(ctx, endpoint.secret_sealed)];
  if (endpoint.previous_secret_sealed && endpoint.previous_secret_until && endpoint.previous_secret_until > now) secrets.push(openSecret(ctx, endpoint.previous_secret_sealed));
  return secrets;
}

/** A success ends the failing streak of these endpoints (one statement for a batch of outcomes). */
export async function clearFailingStreaks(ctx: AppContext, endpointIds: readonly string[]): Promise<void> {
  if (endpointIds.length === 0) return;
  await ctx.db.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', 'in', endpointIds).where('failing_since', 'is not', null).execute();
}

export async function noteEndpointOutcome(ctx: AppContext, endpointId: string, appId: string, outcome: Pick<PostOutcome, 'status'>, now: Date): Promise<void> {
  if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) return clearFailingStreaks(ctx, [endpointId]);
  if (outcome.status === 410) {
    await disableEndpoint(ctx, endpointId, appId, 'the receiver answered 410 Gone', now);
    return;
  }
  const endpoint = await ctx.db
    .updateTable('webhook_endpoints')
    .set({ failing_since: sql<Date>`coalesce(failing_since, ${now})` })
    .where('id', '=', endpointId)
    .returning(['failing_since'])
    .executeTakeFirst();
  if (endpoint?.failing_since && now.getTime() - endpoint.failing_since.getTime() >= FAILING_DISABLES_AFTER_MS) {
    await disableEndpoint(ctx, endpointId, appId, 'every attempt failed for 5 days', now);
  }
}

async function disableEndpoint(ctx: AppContext, endpointId: string, appId: string, reason: string, now: Date): Promise<void> {
  const disabled = await ctx.db.transaction().execute(async (trx) => {
    const endpoint = await trx
      .updateTable('webhook_endpoints')
      .set({ enabled: false, disabled_reason: reason, disabled_at: now })
      .where('id', '=', endpointId)
      .where('enabled', '=', true)
      .returning(['url'])
      .executeTakeFirst();
    if (!endpoint) return undefined;
    const app = await trx.selectFrom('applications').select(['org_id', 'name']).where('id', '=', appId).executeTakeFirstOrThrow();
    await recordAudit(trx, { orgId: app.org_id, appId, actor: systemActor('webhooks'), action: 'webhook.disabled', target: { type: 'webhook', id: endpointId }, details: { reason, url: endpoint.url }, outcome: 'failure' });
    return { ...app, url: endpoint.url };
  });
  if (!disabled) return;
  const recipients = await ctx.db.selectFrom('operators').select('email').where('org_id', '=', disabled.org_id).where('role', 'in', ['OWNER', 'ADMIN']).where('removed_at', 'is', null).execute();
  for (const { email } of recipients) {
    await ctx.mailer
      .send({
        to: email,
        subject: `A webhook endpoint of ${disabled.name} was disabled`,
        text: `Roster disabled the webhook endpoint ${disabled.url} of ${disabled.name}: ${reason}.\n\nIts events are kept and wait for it. Fix the receiver, then enable the endpoint again in Settings → Webhooks; they are sent from where it stopped, at a bounded rate.`,
      })
      .catch((error: Error) => ctx.log.warn(`webhook mail to ${email} could not be sent: ${error.message}`));
  }
}
