import { randomBytes } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../../db/schema.ts';
import { conflict, invalid, notFound } from '../../http/errors.ts';
import { recordAudit, systemActor, type SystemActor } from '../audit/audit-writer.public.ts';
import { displayPrefix, hashSecret, newSecret } from './credentials.ts';
import { roles } from '../../shared/roles.ts';
import { textProblem } from '../../platform/validation/safe-text.ts';
import type { OperatorPrincipal } from './principal.ts';
import { isUniqueViolation } from '../../db/postgres-errors.ts';

type Actor = OperatorPrincipal | SystemActor;

/** Where a change came from, for its audit entry. */
export interface RequestMeta {
  ip?: string | null;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An operator's address: one @, a dot in the domain, no spaces or control characters. */
export function isValidOperatorEmail(email: string): boolean {
  return emailPattern.test(email) && textProblem(email, 'none') === null;
}

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

export async function hashPassword(password: string): Promise<string> {
  return argon2Hash(password);
}

export async function createOrganization(db: Kysely<Database>, name: string, actor: Actor = systemActor('cli')) {
  if (!name.trim()) throw invalid('invalid_name', 'An organization needs a name');
  return db.transaction().execute(async (trx) => {
    const org = await trx.insertInto('organizations').values({ name: name.trim() }).returning(['id', 'name', 'created_at']).executeTakeFirstOrThrow();
    await recordAudit(trx, { orgId: org.id, actor, action: 'organization.created', target: { type: 'organization', id: org.id }, details: { name: org.name } });
    return org;
  });
}

export async function createApplication(db: Kysely<Database>, orgId: string, name: string, actor: Actor = systemActor('cli'), meta: RequestMeta = {}) {
  if (!name.trim()) throw invalid('invalid_name', 'An application needs a name');
  return db.transaction().execute(async (trx) => {
    const org = await trx.selectFrom('organizations').select('id').where('id', '=', orgId).executeTakeFirst();
    if (!org) throw notFound('Organization');
    const app = await trx.insertInto('applications').values({ org_id: orgId, name: name.trim() }).returning(['id', 'org_id', 'name', 'created_at']).executeTakeFirstOrThrow();
    await recordAudit(trx, { orgId, appId: app.id, actor, action: 'application.created', target: { type: 'application', id: app.id }, details: { name: app.name }, ip: meta.ip });
    return app;
  });
}

export interface NewOperator {
  orgId: string;
  email: string;
  role: Role;
  name?: string;
  password?: string;
}

export async function createOperator(db: Kysely<Database>, input: NewOperator, actor: Actor = systemActor('cli'), meta: RequestMeta = {}) {
  const email = input.email.trim().toLowerCase();
  if (!isValidOperatorEmail(email)) throw invalid('invalid_email', `"${input.email}" is not an email address`);
  if (!roles.includes(input.role)) throw invalid('invalid_role', `Role must be one of ${roles.join(', ')}`);
  if (input.password !== undefined && input.password.length < 8) throw invalid('weak_password', 'A password needs at least 8 characters');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const emailTaken = () => conflict('operator_exists', `An operator with email ${email} already exists`);
  try {
    return await db.transaction().execute(async (trx) => {
      const org = await trx.selectFrom('organizations').select('id').where('id', '=', input.orgId).executeTakeFirst();
      if (!org) throw notFound('Organization');
      const taken = await trx.selectFrom('operators').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email)).where('removed_at', 'is', null).executeTakeFirst();
      if (taken) throw emailTaken();
      const operator = await trx
        .insertInto('operators')
        .values({ org_id: input.orgId, email, role: input.role, name: input.name?.trim() ?? '', password_hash: passwordHash })
        .returning(['id', 'org_id', 'email', 'name', 'role', 'created_at'])
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { orgId: input.orgId, actor, action: 'operator.created', target: { type: 'operator', id: operator.id }, details: { email, role: input.role }, ip: meta.ip });
      return operator;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

/** Creates an API key for an application; the key itself is returned once and only its hash is kept. */
export async function createApiKey(db: Kysely<Database>, appId: string, options: { name?: string; actor?: Actor } & RequestMeta = {}) {
  const actor = options.actor ?? systemActor('cli');
  const apiKey = newSecret('rk');
  return db.transaction().execute(async (trx) => {
    const app = await trx.selectFrom('applications').select(['id', 'org_id']).where('id', '=', appId).executeTakeFirst();
    if (!app) throw notFound('Application');
    const row = await trx
      .insertInto('api_keys')
      .values({
        app_id: appId,
        key_hash: hashSecret(apiKey),
        prefix: displayPrefix(apiKey),
        name: options.name ?? '',
        created_by: actor.kind === 'operator' ? actor.operatorId : null,
      })
      .returning(['id', 'app_id', 'prefix', 'name', 'created_at', 'created_by', 'last_used_at', 'revoked_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { orgId: app.org_id, appId, actor, action: 'api_key.created', target: { type: 'api_key', id: row.id }, details: { prefix: row.prefix, name: row.name }, ip: options.ip });
    return { ...row, api_key: apiKey };
  });
}

/** Creates a console token (Bearer) for the operator with this email; returned once. */
export async function createConsoleToken(db: Kysely<Database>, email: string, options: { name?: string; actor?: Actor } & RequestMeta = {}) {
  const operator = await db
    .selectFrom('operators')
    .select(['id'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!operator) throw notFound(`Operator ${email}`);
  return createConsoleTokenFor(db, operator.id, options);
}

/** Creates a console token for an operator by id; only the token's hash is kept. */
export async function createConsoleTokenFor(db: Kysely<Database>, operatorId: string, options: { name?: string; actor?: Actor } & RequestMeta = {}) {
  const token = newSecret('rct');
  return db.transaction().execute(async (trx) => {
    const operator = await trx.selectFrom('operators').select(['id', 'org_id', 'email']).where('id', '=', operatorId).where('removed_at', 'is', null).executeTakeFirst();
    if (!operator) throw notFound('Operator');
    const row = await trx
      .insertInto('console_tokens')
      .values({ operator_id: operator.id, token_hash: hashSecret(token), name: options.name ?? '' })
      .returning(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      orgId: operator.org_id,
      actor: options.actor ?? systemActor('cli'),
      action: 'token.created',
      target: { type: 'console_token', id: row.id },
      details: { operator: operator.email, name: row.name },
      ip: options.ip,
    });
    return { ...row, operator_id: operator.id, token };
  });
}
