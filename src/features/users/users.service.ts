import { resolveWrite, type WriteModes } from './write-modes.ts';
import type { AppContext } from '../../context.ts';
import { conflict, notFound } from '../../http/errors.ts';
import { auditActorOf, recordAudit } from '../audit/audit-writer.public.ts';
import type { Principal } from '../auth/index.ts';
import { faceKeysOfUsers } from './faces.repository.ts';
import { publishLedgerEntries } from './user-changes.repository.ts';
import { userCursor } from './user-cursor.ts';
import { type FieldError, validateStatus } from './user-fields.ts';
import { defaultUserStatus, frozenOnceVerifiedFields } from '../../shared/user-catalogue.ts';
import { diffApiWrite } from './user-diff.ts';
import { parseUserWrite, unexpectedFields, type UserWrite, validateNote, validationError } from './user-input.ts';
import type { UserFilters } from './users.filters.ts';
import {
  deleteUsersByIds,
  findUserById,
  findUserByVendorData,
  findUserJsonByVendorData,
  insertUserAudited,
  lockUserById,
  lockUserByVendorData,
  lockUsersForDelete,
  listUsers as listUserRows,
  updateUser,
  type UserSelector,
} from './users.repository.ts';
import type { UserRow } from './users.schemas.ts';
import { isUuid } from '../../platform/validation/uuid.ts';
import { isStorableText } from '../../platform/validation/safe-text.ts';

/** Who acts, on which application, from where: every write is audited with it. */
export interface UsersActor {
  principal: Principal;
  appId: string;
  ip: string | null;
}

/** A user is named by vendor_data on the users API and by didit_internal_id on the console. */
export type UserLocator = { vendorData: string } | { id: string };

export const userNotFound = () => notFound('User', 'user_not_found');

const MAX_DELETE_IDS = 1_000;
const MAX_REASON_CHARS = 500;

function auditBase(actor: UsersActor) {
  return { orgId: actor.principal.orgId, appId: actor.appId, actor: actor.principal, ip: actor.ip };
}

/** A value that cannot be stored cannot name a stored user either: answer 404 rather than send it to PostgreSQL. */
function lookable(text: string): boolean {
  return text.length > 0 && isStorableText(text);
}

/** Runs the lookup that fits the locator; a malformed id or vendor_data finds nothing without a query. */
async function locate(locator: UserLocator, byVendorData: (vendorData: string) => Promise<UserRow | undefined>, byId: (id: string) => Promise<UserRow | undefined>): Promise<UserRow> {
  let row: UserRow | undefined;
  if ('vendorData' in locator) row = lookable(locator.vendorData) ? await byVendorData(locator.vendorData) : undefined;
  else row = isUuid(locator.id) ? await byId(locator.id) : undefined;
  if (!row) throw userNotFound();
  return row;
}

export function findUser(ctx: AppContext, appId: string, locator: UserLocator): Promise<UserRow> {
  return locate(
    locator,
    (vendorData) => findUserByVendorData(ctx.database.pool, appId, vendorData),
    (id) => findUserById(ctx.db, appId, id),
  );
}

/** The user as the API's JSON text (the GET path: no row parsing, no serialising in Node). */
export async function findUserJson(ctx: AppContext, appId: string, vendorData: string): Promise<string> {
  const json = lookable(vendorData) ? await findUserJsonByVendorData(ctx.database.pool, appId, vendorData) : undefined;
  if (json === undefined) throw userNotFound();
  return json;
}

/** The user, locked until the transaction `trx` ends. */
export function lockUser(trx: AppContext['db'], appId: string, locator: UserLocator): Promise<UserRow> {
  return locate(
    locator,
    (vendorData) => lockUserByVendorData(trx, appId, vendorData),
    (id) => lockUserById(trx, appId, id),
  );
}

/** Creates a user and its user.created audit entry in one statement (the hot path of the API). */
export async function createUser(ctx: AppContext, actor: UsersActor, body: Record<string, unknown>): Promise<UserRow> {
  const write = parseUserWrite(body, { requireVendorData: true });
  const vendorData = write.vendor_data as string;
  const fields = Object.keys(write).filter((field) => field !== 'vendor_data');
  // A created user's fields from nothing, as an import's user.created lists them (status included: it starts ACTIVE).
  const changes = Object.fromEntries(
    Object.entries(diffApiWrite({}, { status: defaultUserStatus, ...write } as Record<string, unknown>)).filter(([, change]) => !isEmptyValue(change.to)),
  );
  const { principal } = actor;
  const row = await insertUserAudited(ctx.database.pool, actor.appId, vendorData, write, {
    orgId: principal.orgId,
    actor: auditActorOf(principal),
    details: { vendor_data: vendorData, fields, changes },
    ip: actor.ip,
  });
  if (!row) throw conflict('duplicate_vendor_data', 'A user with this vendor_data already exists in this application');
  return row;
}

export interface UserPage {
  rows: UserRow[];
  next: string | null;
}

export async function listUsers(ctx: AppContext, appId: string, filters: UserFilters, pageSize: number, cursor?: string): Promise<UserPage> {
  const after = cursor === undefined || cursor === '' ? undefined : userCursor.decode(cursor);
  const rows = await listUserRows(ctx.db, appId, filters, pageSize, after);
  if (rows.length <= pageSize) return { rows, next: null };
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return { rows: page, next: userCursor.encode({ createdAt: last.cursor_created_at, id: last.didit_internal_id }) };
}

/** A created user's field left at its empty default: not a change worth listing. */
function isEmptyValue(value: unknown): boolean {
  return value === null || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

/**
 * Updates the fields sent; tags and metadata are replaced whole unless `modes` says merge (or, for
 * tags, remove): write-modes.ts. Nothing is written (and updated_at stays) when no field changes.
 * Verified fields and status have their own paths, see docs/api.md#endpoints.
 */
export async function patchUser(ctx: AppContext, actor: UsersActor, locator: UserLocator, body: Record<string, unknown>, modes?: Partial<WriteModes>): Promise<UserRow> {
  const parsed = parseUserWrite(body, { requireVendorData: false });
  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockUser(trx, actor.appId, locator);
    const write = resolveWrite(row as unknown as Record<string, unknown>, parsed, { tags: modes?.tags ?? 'replace', metadata: modes?.metadata ?? 'replace' });
    const problems: FieldError[] = [];
    if (write.vendor_data !== undefined && write.vendor_data !== row.vendor_data) {
      problems.push({ field: 'vendor_data', code: 'vendor_data_immutable', message: 'vendor_data cannot change; create a new user instead' });
    }
    const changes = diffApiWrite(row as unknown as Record<string, unknown>, write as Record<string, unknown>);
    if (changes.status !== undefined) {
      problems.push({ field: 'status', code: 'status_requires_reason', message: 'Change status with PATCH /v3/users/{vendor_data}/update-status/ and a reason' });
    }
    if (row.verified_at) {
      for (const field of frozenOnceVerifiedFields) {
        if (changes[field] !== undefined) problems.push({ field, code: 'verified_field', message: `${field} was verified by an approved session and cannot be changed` });
      }
    }
    if (problems.length > 0) throw validationError(problems);
    const fields = Object.keys(changes);
    if (fields.length === 0) return row;
    const values = Object.fromEntries(fields.map((field) => [field, changes[field]!.to])) as UserWrite;
    const updated = await updateUser(trx, actor.appId, row.didit_internal_id, values);
    const entry = await recordAudit(trx, { ...auditBase(actor), action: 'user.updated', target: { type: 'user', id: row.didit_internal_id }, details: { vendor_data: row.vendor_data, fields, changes } });
    await publishLedgerEntries(trx, actor.appId, [entry]);
    return updated;
  });
}

/** Sets the status with a reason; setting the status it already has writes nothing. */
export async function updateUserStatus(ctx: AppContext, actor: UsersActor, locator: UserLocator, body: Record<string, unknown>): Promise<UserRow> {
  const errors: FieldError[] = unexpectedFields(body, ['status', 'reason']);
  const status = body.status === undefined ? { ok: false as const, error: { field: 'status', code: 'missing_status' as const, message: 'status is required' } } : validateStatus(body.status);
  if (!status.ok) errors.push(status.error);
  const reason = validateNote('reason', body.reason, { required: true, maxChars: MAX_REASON_CHARS });
  if (!reason.ok) errors.push(reason.error);
  if (errors.length > 0 || !status.ok || !reason.ok) throw validationError(errors);

  return ctx.db.transaction().execute(async (trx) => {
    const row = await lockUser(trx, actor.appId, locator);
    if (row.status === status.value) return row;
    const updated = await updateUser(trx, actor.appId, row.didit_internal_id, { status: status.value });
    const entry = await recordAudit(trx, {
      ...auditBase(actor),
      action: 'user.status_changed',
      target: { type: 'user', id: row.didit_internal_id },
      details: { vendor_data: row.vendor_data, from: row.status, to: status.value, reason: reason.value, changes: { status: { from: row.status, to: status.value } } },
    });
    await publishLedgerEntries(trx, actor.appId, [entry]);
    return updated;
  });
}

function parseDeleteSelector(body: Record<string, unknown>): UserSelector {
  const errors: FieldError[] = unexpectedFields(body, ['vendor_data_list', 'didit_internal_id_list']);
  const given = (['vendor_data_list', 'didit_internal_id_list'] as const).filter((field) => body[field] !== undefined && body[field] !== null);
  if (given.length !== 1) {
    errors.push({ field: 'vendor_data_list', code: 'exactly_one_list', message: 'Send exactly one of vendor_data_list and didit_internal_id_list' });
    throw validationError(errors);
  }
  const field = given[0];
  const list = body[field];
  if (!Array.isArray(list)) errors.push({ field, code: 'invalid_list', message: `${field} must be an array of strings` });
  else if (list.length > MAX_DELETE_IDS) errors.push({ field, code: 'too_many_ids', message: `${field} has ${list.length} entries; at most ${MAX_DELETE_IDS} per request` });
  else {
    list.forEach((value, index) => {
      const valid = typeof value === 'string' && (field === 'didit_internal_id_list' ? isUuid(value) : lookable(value));
      if (!valid) {
        const what = field === 'didit_internal_id_list' ? 'a UUID' : 'a non-empty string';
        errors.push({ field: `${field}.${index}`, code: field === 'didit_internal_id_list' ? 'invalid_didit_internal_id' : 'invalid_vendor_data', message: `${field}[${index}] is not ${what}` });
      }
    });
  }
  if (errors.length > 0) throw validationError(errors.slice(0, 100));
  const values = [...new Set(list as string[])];
  return field === 'vendor_data_list' ? { by: 'vendor_data', values } : { by: 'didit_internal_id', values: values.map((id) => id.toLowerCase()) };
}

/** Deletes users by either id list; ids that do not exist (or belong to another application) are not counted. */
export async function deleteUsers(ctx: AppContext, actor: UsersActor, body: Record<string, unknown>): Promise<number> {
  const selector = parseDeleteSelector(body);
  const { deleted, faceKeys } = await ctx.db.transaction().execute(async (trx) => {
    const users = await lockUsersForDelete(trx, actor.appId, selector);
    if (users.length === 0) return { deleted: 0, faceKeys: [] as string[] };
    const ids = users.map((user) => user.didit_internal_id);
    const faceKeys = await faceKeysOfUsers(trx, actor.appId, ids);
    const deleted = await deleteUsersByIds(trx, actor.appId, ids);
    // One entry per user, its target the user: the user's history (audit-logs?target_id=) shows the deletion.
    const entries: string[] = [];
    for (const user of users) {
      entries.push(
        await recordAudit(trx, {
          ...auditBase(actor),
          action: 'user.deleted',
          target: { type: 'user', id: user.didit_internal_id },
          details: { vendor_data: user.vendor_data, count: 1, didit_internal_ids: [user.didit_internal_id], deleted_together: deleted, faces: faceKeys.length },
        }),
      );
    }
    await publishLedgerEntries(trx, actor.appId, entries);
    return { deleted, faceKeys };
  });
  // After commit: a rollback must not leave users whose images are gone. A failed delete leaves an orphan file, logged.
  const results = await Promise.allSettled(faceKeys.map((key) => ctx.storage.delete(key)));
  results.forEach((result, index) => {
    if (result.status === 'rejected') ctx.log.warn(`could not delete face image ${faceKeys[index]}: ${(result.reason as Error)?.message ?? result.reason}`);
  });
  return deleted;
}
