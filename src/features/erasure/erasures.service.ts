import type { AppContext } from '../../context.ts';
import { AppError, badRequest, conflict, invalid, notFound } from '../../http/errors.ts';
import { transition } from '../../platform/operations/index.ts';
import { personalValuesInTrail, recordAudit } from '../audit/index.ts';
import { authorize, type OperatorPrincipal } from '../auth/index.ts';
import { readErasureSubject } from '../users/index.ts';
import { type ErasureCertificate } from './erasure-certificate.ts';
import { erasureJob } from './erasure.job.ts';
import { erasureOperation } from './erasure-operation.ts';
import { type ErasureRecord, findErasure, findErasureOfUser, findHeldRecord, listErasures } from './erasures.repository.ts';
import { isUuid } from '../../platform/validation/uuid.ts';

/** Erasure requests, their status, certificate and held record (docs/privacy.md#erasure). */

export interface ErasureActor {
  operator: OperatorPrincipal;
  app: { id: string; org_id: string };
  ip: string | null;
}

const erasureNotFound = () => notFound('Erasure', 'erasure_not_found');
const MAX_REASON_CHARS = 1000;

function checkedReason(reason: unknown): string {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (text.length === 0) throw invalid('reason_required', 'Say why, in "reason": it is kept in the audit log and on the certificate');
  if (text.length > MAX_REASON_CHARS) throw invalid('reason_too_long', `"reason" has ${text.length} characters; at most ${MAX_REASON_CHARS}`);
  return text;
}

export function presentErasure(record: ErasureRecord) {
  const base = `/api/console/apps/${record.app_id}/erasures/${record.id}`;
  return {
    id: record.id,
    app_id: record.app_id,
    didit_internal_id: record.didit_internal_id,
    vendor_data: record.vendor_data,
    status: record.status,
    reason: record.reason,
    legal_hold: record.legal_hold,
    hold_until: record.hold_until?.toISOString() ?? null,
    hold_purged_at: record.hold_purged_at?.toISOString() ?? null,
    requested_by: { id: record.requested_by, label: record.requested_by_label },
    created_at: record.created_at.toISOString(),
    started_at: record.started_at?.toISOString() ?? null,
    finished_at: record.finished_at?.toISOString() ?? null,
    steps_done: record.steps_done,
    error: record.error,
    certificate_url: record.status === 'completed' ? `${base}/certificate` : null,
  };
}
export type ErasureView = ReturnType<typeof presentErasure>;

/**
 * Starts the erasure of one user: the person's values are noted (to find them in free text), the request
 * is audited, and the job runs the steps. A second request for the same user is a 409; one whose erasure
 * failed resumes it.
 */
export async function requestErasure(ctx: AppContext, actor: ErasureActor, userId: string, body: { reason?: unknown; legal_hold?: unknown }): Promise<ErasureRecord> {
  authorize(actor.operator, 'users.erase');
  const reason = checkedReason(body.reason);
  if (typeof body.legal_hold !== 'boolean') throw invalid('legal_hold_required', 'Say whether the anti-money-laundering record is kept: "legal_hold": true or false');
  if (!isUuid(userId)) throw notFound('User', 'user_not_found');
  const { record, resumed } = await ctx.db.transaction().execute(async (trx) => {
    const existing = await findErasureOfUser(trx, actor.app.id, userId.toLowerCase());
    if (existing?.status === 'failed') {
      await transition(trx, erasureOperation, { id: existing.id, appId: actor.app.id }, { to: 'queued', from: ['failed'], set: { error: null } });
      return { record: { ...existing, status: 'queued' as const, error: null }, resumed: true };
    }
    if (existing) throw conflict('already_erased', `This user's erasure ${existing.id} is ${existing.status}; a user is erased once`);
    const subject = await readErasureSubject(trx, actor.app.id, userId);
    if (!subject) throw notFound('User', 'user_not_found');
    const formerValues = await personalValuesInTrail(trx, actor.app.org_id, subject.didit_internal_id, ['display_name', 'full_name', 'email', 'phone']);
    const holdUntil = body.legal_hold ? new Date(Date.now() + ctx.config.LEGAL_HOLD_YEARS * 365.25 * 86_400_000) : null;
    const inserted = await trx
      .insertInto('erasures')
      .values({
        org_id: actor.app.org_id,
        app_id: actor.app.id,
        didit_internal_id: subject.didit_internal_id,
        vendor_data: subject.vendor_data,
        reason,
        legal_hold: body.legal_hold as boolean,
        hold_until: holdUntil,
        subject: JSON.stringify({ full_name: subject.full_name, display_name: subject.display_name, email: subject.email, phone: subject.phone, date_of_birth: subject.date_of_birth, created_at: subject.created_at, sessions: subject.sessions, former_values: formerValues }),
        requested_by: actor.operator.operatorId,
        requested_by_label: actor.operator.email,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505') throw conflict('already_erased', "This user's erasure was requested a moment ago; a user is erased once");
        throw error;
      });
    await recordAudit(trx, {
      orgId: actor.app.org_id,
      appId: actor.app.id,
      actor: actor.operator,
      action: 'erasure.requested',
      target: { type: 'user', id: subject.didit_internal_id },
      details: { erasure_id: inserted.id, vendor_data: subject.vendor_data, reason, legal_hold: inserted.legal_hold, hold_until: holdUntil?.toISOString() ?? null },
      ip: actor.ip,
    });
    return { record: inserted, resumed: false };
  });
  await ctx.jobs.send(erasureJob, { erasureId: record.id }, resumed ? {} : { singletonKey: `erasure-${record.id}` });
  return record;
}

export async function getErasure(ctx: AppContext, actor: ErasureActor, erasureId: string): Promise<ErasureRecord> {
  authorize(actor.operator, 'users.erase');
  const record = isUuid(erasureId) ? await findErasure(ctx.db, actor.app.id, erasureId) : undefined;
  if (!record) throw erasureNotFound();
  return record;
}

export async function listAppErasures(ctx: AppContext, actor: ErasureActor, filter: { userId?: string; limit: number }): Promise<ErasureRecord[]> {
  authorize(actor.operator, 'users.erase');
  if (filter.userId !== undefined && !isUuid(filter.userId)) throw badRequest('invalid_parameter', 'didit_internal_id: must be a UUID');
  return (await listErasures(ctx.db, actor.app.id, filter)).slice(0, filter.limit);
}

export async function getCertificate(ctx: AppContext, actor: ErasureActor, erasureId: string): Promise<ErasureCertificate> {
  const record = await getErasure(ctx, actor, erasureId);
  if (record.status !== 'completed' || !record.certificate) throw conflict('erasure_not_completed', `The erasure is ${record.status}; its certificate exists once it has completed`);
  return record.certificate as unknown as ErasureCertificate;
}

/** The held record, to OWNER and COMPLIANCE_OFFICER only, each read with a reason and audited. */
export async function readHeldRecord(ctx: AppContext, actor: ErasureActor, erasureId: string, body: { reason?: unknown }) {
  authorize(actor.operator, 'users.read_held_record');
  const reason = checkedReason(body.reason);
  const record = isUuid(erasureId) ? await findErasure(ctx.db, actor.app.id, erasureId) : undefined;
  if (!record) throw erasureNotFound();
  if (!record.legal_hold) throw notFound('Held record', 'no_held_record');
  if (record.hold_purged_at) throw new AppError('held_record_purged', `The held record was purged on ${record.hold_purged_at.toISOString().slice(0, 10)}, when its hold ended`);
  const held = await findHeldRecord(ctx.db, actor.app.id, erasureId);
  if (!held) throw conflict('erasure_not_completed', `The erasure is ${record.status}; the held record is written as it runs`);
  await recordAudit(ctx.db, {
    orgId: actor.app.org_id,
    appId: actor.app.id,
    actor: actor.operator,
    action: 'erasure.held_record_read',
    target: { type: 'erasure', id: erasureId },
    details: { reason, didit_internal_id: held.didit_internal_id, vendor_data: held.vendor_data },
    ip: actor.ip,
  });
  return {
    erasure_id: held.erasure_id,
    didit_internal_id: held.didit_internal_id,
    vendor_data: held.vendor_data,
    full_name: held.full_name,
    date_of_birth: held.date_of_birth,
    verification_sessions: held.sessions,
    hold_until: held.hold_until.toISOString(),
    held_since: held.created_at.toISOString(),
  };
}

