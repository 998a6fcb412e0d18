import type { AppContext } from '../../../context.ts';
import { invalid, notFound } from '../../../http/errors.ts';
import { recordAudit } from '../../audit/audit-writer.public.ts';
import type { OperatorPrincipal } from '../../auth/index.ts';
import { type FieldError, validateStatus, validateTags } from '../user-fields.ts';
import { unexpectedFields, validateNote, validationError } from '../user-input.ts';
import { userFilterBodySchema, type UserFilters } from '../users.filters.ts';
import { bulkActionJob } from './bulk-action.job.ts';
import { type BulkActionParams, type BulkActionRecord, type BulkSelection, countSelected, findBulkAction, insertBulkAction, listBulkActions } from './bulk-actions.repository.ts';
import type { BulkActionKind } from './bulk-actions.tables.ts';
import { isUuid } from '../../../platform/validation/uuid.ts';

export const bulkActionKinds: readonly BulkActionKind[] = ['set_status', 'add_tag', 'remove_tag', 'delete'];
export const MAX_BULK_IDS = 10_000;

interface ParsedRequest {
  action: BulkActionKind;
  params: BulkActionParams;
  selection: BulkSelection;
}

function parseSelection(body: Record<string, unknown>, errors: FieldError[]): BulkSelection | null {
  const hasIds = body.ids !== undefined;
  const hasFilters = body.filters !== undefined;
  if (hasIds === hasFilters) {
    errors.push({ field: 'ids', code: 'exactly_one_selection', message: 'Send exactly one of ids (checked users) and filters (every user matching them)' });
    return null;
  }
  if (hasIds) {
    const ids = body.ids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string' || !isUuid(id))) {
      errors.push({ field: 'ids', code: 'invalid_ids', message: 'ids must be a non-empty array of didit_internal_id values' });
      return null;
    }
    if (ids.length > MAX_BULK_IDS) {
      errors.push({ field: 'ids', code: 'too_many_ids', message: `ids has ${ids.length} entries; at most ${MAX_BULK_IDS} (select by filters for more)` });
      return null;
    }
    return { ids: [...new Set((ids as string[]).map((id) => id.toLowerCase()))] };
  }
  const parsed = userFilterBodySchema.safeParse(body.filters);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push({ field: ['filters', ...issue.path.map(String)].join('.'), code: 'invalid_filter', message: issue.message });
    return null;
  }
  return { filters: parsed.data as UserFilters };
}

export function parseBulkRequest(body: Record<string, unknown>): ParsedRequest {
  const errors: FieldError[] = unexpectedFields(body, ['action', 'ids', 'filters', 'status', 'reason', 'tag']);
  const action = body.action as BulkActionKind;
  if (!bulkActionKinds.includes(action)) errors.push({ field: 'action', code: 'invalid_action', message: `action must be one of ${bulkActionKinds.join(', ')}` });
  const selection = parseSelection(body, errors);
  const params: BulkActionParams = {};
  if (action === 'set_status') {
    const status = validateStatus(body.status ?? '');
    if (status.ok) params.status = status.value;
    else errors.push(status.error);
    const reason = validateNote('reason', body.reason, { required: true, maxChars: 500 });
    if (reason.ok) params.reason = reason.value ?? undefined;
    else errors.push(reason.error);
  }
  if (action === 'add_tag' || action === 'remove_tag') {
    const tags = typeof body.tag === 'string' ? validateTags([body.tag]) : null;
    if (tags?.ok && tags.value.length === 1) params.tag = tags.value[0];
    else errors.push(tags && !tags.ok ? { ...tags.error, field: 'tag' } : { field: 'tag', code: 'missing_tag', message: 'tag is required' });
  }
  if (errors.length > 0 || !selection) throw validationError(errors);
  return { action, params, selection };
}

export function presentBulkAction(record: BulkActionRecord) {
  return {
    id: record.id,
    app_id: record.app_id,
    action: record.action,
    params: record.params,
    selection: record.selection.ids ? { ids: record.selection.ids.length } : { filters: record.selection.filters ?? {} },
    status: record.status,
    total: record.total ?? 0,
    processed: record.processed,
    changed: record.changed,
    created_by: { id: record.created_by, email: record.created_by_email, name: record.created_by_name },
    created_at: record.created_at.toISOString(),
    started_at: record.started_at?.toISOString() ?? null,
    finished_at: record.finished_at?.toISOString() ?? null,
    error: record.error,
  };
}

export type BulkActionJson = ReturnType<typeof presentBulkAction>;

/**
 * Records the action, counts its users and queues the job. Each user it changes gets its own audit entry
 * when the job applies it; this request is audited too, with what was asked and how many it covers.
 */
export async function requestBulkAction(ctx: AppContext, operator: OperatorPrincipal, appId: string, body: Record<string, unknown>, ip: string | null): Promise<BulkActionJson> {
  const request = parseBulkRequest(body);
  const total = await countSelected(ctx.db, appId, request.selection);
  if (total === 0) throw invalid('empty_selection', 'No user matches this selection; nothing to do');
  const created = await ctx.db.transaction().execute(async (trx) => {
    const row = await insertBulkAction(trx, { appId, action: request.action, params: request.params, selection: request.selection, createdBy: operator.operatorId, ip, total });
    await recordAudit(trx, {
      orgId: operator.orgId,
      appId,
      actor: operator,
      action: 'users.bulk_requested',
      target: { type: 'bulk_action', id: row.id },
      details: { action: request.action, ...request.params, total, selection: 'ids' in request.selection ? { ids: request.selection.ids.length } : { filters: request.selection.filters } },
      ip,
    });
    return row;
  });
  await ctx.jobs.send(bulkActionJob, { bulkActionId: created.id, appId }, { organizationId: operator.orgId });
  return presentBulkAction((await findBulkAction(ctx.db, appId, created.id))!);
}

export async function getBulkAction(ctx: AppContext, appId: string, id: string): Promise<BulkActionJson> {
  const record = isUuid(id) ? await findBulkAction(ctx.db, appId, id) : undefined;
  if (!record) throw notFound('Bulk action', 'bulk_action_not_found');
  return presentBulkAction(record);
}

export async function recentBulkActions(ctx: AppContext, appId: string): Promise<BulkActionJson[]> {
  return (await listBulkActions(ctx.db, appId, 20)).map(presentBulkAction);
}
