import type { AppContext } from '../../context.ts';
import { conflict } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import { publishLedgerEntries } from './user-changes.repository.ts';
import { diffUserObjects } from './user-diff.ts';
import { type FieldError, validateCountry, validateDateOfBirth, validateFullName } from './user-fields.ts';
import { unexpectedFields, validationError } from './user-input.ts';
import { applySessionOutcome, concludeReviewedSession, findVerificationSession, insertVerificationSession, type SessionStatus } from './users.repository.ts';
import { toUserResponse, type UserRow } from './users.schemas.ts';
import { lockUser, type UsersActor } from './users.service.ts';
import { parseInstant } from '../../platform/validation/instants.ts';
import { isStorableText } from '../../platform/validation/safe-text.ts';

/**
 * The verification engine reports each session's outcome once it is known. A session is recorded once
 * per application (user_verification_sessions' key), so a retried report changes nothing. A session in
 * review may later be reported with its final outcome (APPROVED or DECLINED): that moves it between
 * counters. A final outcome never changes.
 */

const sessionStatuses: readonly SessionStatus[] = ['APPROVED', 'DECLINED', 'IN_REVIEW'];
const sessionFields = ['session_id', 'status', 'full_name', 'date_of_birth', 'issuing_state', 'completed_at'];
const MAX_SESSION_ID_CHARS = 255;
// A completion time a little ahead of our clock is skew; one far ahead is a bug in the caller.
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

interface SessionReport {
  sessionId: string;
  status: SessionStatus;
  fullName?: string | null;
  dateOfBirth?: string | null;
  issuingState?: string | null;
  completedAt: Date | null;
}

function parseSessionReport(body: Record<string, unknown>): SessionReport {
  const errors: FieldError[] = unexpectedFields(body, sessionFields);
  const { session_id: sessionId, status, completed_at: completedAt } = body;
  if (sessionId === undefined || sessionId === null || sessionId === '') errors.push({ field: 'session_id', code: 'missing_session_id', message: 'session_id is required' });
  else if (typeof sessionId !== 'string' || sessionId.trim() !== sessionId || sessionId.length > MAX_SESSION_ID_CHARS || /[\u0000-\u001f\u007f]/.test(sessionId) || !isStorableText(sessionId)) {
    errors.push({ field: 'session_id', code: 'invalid_session_id', message: `session_id must be a string of at most ${MAX_SESSION_ID_CHARS} characters, without control characters or surrounding spaces` });
  }
  const normalizedStatus = typeof status === 'string' ? (status.trim().toUpperCase() as SessionStatus) : undefined;
  if (status === undefined || status === null) errors.push({ field: 'status', code: 'missing_status', message: 'status is required' });
  else if (!normalizedStatus || !sessionStatuses.includes(normalizedStatus)) errors.push({ field: 'status', code: 'invalid_session_status', message: `status must be one of ${sessionStatuses.join(', ')}` });

  const report: Partial<SessionReport> = { completedAt: null };
  if (body.full_name !== undefined) {
    const fullName = validateFullName(body.full_name);
    if (fullName.ok) report.fullName = fullName.value;
    else errors.push(fullName.error);
  }
  if (body.date_of_birth !== undefined) {
    const dateOfBirth = validateDateOfBirth(body.date_of_birth);
    if (dateOfBirth.ok) report.dateOfBirth = dateOfBirth.value;
    else errors.push(dateOfBirth.error);
  }
  if (body.issuing_state !== undefined) {
    const issuingState = validateCountry(body.issuing_state);
    if (issuingState.ok) report.issuingState = issuingState.value;
    else errors.push({ field: 'issuing_state', code: 'invalid_issuing_state', message: issuingState.error.message });
  }
  if (completedAt !== undefined && completedAt !== null) {
    const parsed = typeof completedAt === 'string' && instantPattern.test(completedAt.trim()) ? parseInstant(completedAt.trim()) : null;
    const valid = parsed !== null && parsed.getUTCFullYear() >= 2000 && parsed.getTime() <= Date.now() + MAX_CLOCK_SKEW_MS;
    if (valid) report.completedAt = parsed;
    else errors.push({ field: 'completed_at', code: 'invalid_completed_at', message: 'completed_at must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z, not in the future' });
  }
  if (errors.length > 0) throw validationError(errors);
  return { ...report, sessionId: sessionId as string, status: normalizedStatus as SessionStatus } as SessionReport;
}

/** Records a session's outcome for the user: counters, session timestamps and, when approved, the verified fields. */
export async function recordSession(ctx: AppContext, actor: UsersActor, vendorData: string, body: Record<string, unknown>): Promise<UserRow> {
  const report = parseSessionReport(body);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await lockUser(trx, actor.appId, { vendorData });
    const isNew = await insertVerificationSession(trx, actor.appId, { sessionId: report.sessionId, userId: user.didit_internal_id, status: report.status, completedAt: report.completedAt });
    let reviewedFrom: 'IN_REVIEW' | undefined;
    if (!isNew) {
      const recorded = await findVerificationSession(trx, actor.appId, report.sessionId);
      if (recorded && recorded.user_id !== user.didit_internal_id) {
        throw conflict('session_belongs_to_other_user', `Session ${report.sessionId} was already recorded for another user`);
      }
      if (!recorded || recorded.status === report.status) return user;
      const concluded = report.status !== 'IN_REVIEW' && (await concludeReviewedSession(trx, actor.appId, report.sessionId, report.status, report.completedAt));
      if (!concluded) {
        throw conflict('session_already_recorded', `Session ${report.sessionId} was already recorded as ${recorded.status}; a final outcome is recorded once`);
      }
      reviewedFrom = 'IN_REVIEW';
    }
    const updated = await applySessionOutcome(trx, actor.appId, user.didit_internal_id, {
      status: report.status,
      at: report.completedAt ?? new Date(),
      fullName: report.fullName,
      dateOfBirth: report.dateOfBirth,
      reviewedFrom,
    });
    const verifiedFields = report.status === 'APPROVED' ? (['full_name', 'date_of_birth'] as const).filter((field) => (field === 'full_name' ? report.fullName : report.dateOfBirth)) : [];
    const changes = diffUserObjects(toUserResponse(user) as unknown as Record<string, unknown>, toUserResponse(updated) as unknown as Record<string, unknown>);
    const entry = await recordAudit(trx, {
      orgId: actor.principal.orgId,
      appId: actor.appId,
      actor: actor.principal,
      ip: actor.ip,
      action: 'user.session_recorded',
      target: { type: 'user', id: user.didit_internal_id },
      details: { vendor_data: user.vendor_data, session_id: report.sessionId, status: report.status, ...(reviewedFrom ? { previous_status: reviewedFrom } : {}), issuing_state: report.issuingState ?? null, verified_fields: verifiedFields, changes },
    });
    await publishLedgerEntries(trx, actor.appId, [entry]);
    return updated;
  });
}
