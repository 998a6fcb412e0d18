import type { AppContext } from '../../context.ts';
import type { Role } from '../../db/schema.ts';
import { unauthorized } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit-writer.public.ts';
import { SESSION_IDLE_MS } from './auth.hooks.ts';
import { hashSecret, newSecret } from './credentials.ts';
import { type GatedCheck, throttledPasswordAttempt, verifyPassword } from './password-attempt.ts';
import type { PasswordCheckGate } from './password-check-gate.ts';
import type { OperatorPrincipal } from './principal.ts';

export interface SignInInput {
  email: string;
  password: string;
  ip: string;
}

export interface SignedIn {
  operator: { id: string; email: string; name: string; role: Role };
  organization: { id: string; name: string };
  /** The cookie value; only its hash is stored. */
  sessionSecret: string;
}

const wrongCredentials = () => unauthorized('invalid_credentials', 'The email or password is wrong');

export async function signIn(ctx: AppContext, gate: PasswordCheckGate, input: SignInInput): Promise<SignedIn> {
  const email = input.email.trim().toLowerCase();
  // The shared counters first: past a limit the answer is 429 at once, before any password is checked.
  return throttledPasswordAttempt(ctx, gate, { email, ip: input.ip }, (check) => checkAndStartSession(ctx, check, email, input));
}

async function checkAndStartSession(ctx: AppContext, check: GatedCheck, email: string, input: SignInInput): Promise<SignedIn> {
  const operator = await ctx.db
    .selectFrom('operators')
    .innerJoin('organizations', 'organizations.id', 'operators.org_id')
    .select(['operators.id', 'operators.email', 'operators.name', 'operators.role', 'operators.password_hash', 'organizations.id as org_id', 'organizations.name as org_name'])
    .where((eb) => eb(eb.fn('lower', ['operators.email']), '=', email))
    .where('operators.removed_at', 'is', null)
    .executeTakeFirst();

  const principal: OperatorPrincipal | null = operator
    ? { kind: 'operator', operatorId: operator.id, orgId: operator.org_id, role: operator.role, email: operator.email, name: operator.name, via: 'session' }
    : null;

  if (!(await check(() => verifyPassword(operator?.password_hash, input.password))) || !operator || !principal) {
    // The reservation stays: this attempt counts as a failure.
    // audit_logs needs an organization, so only attempts on a real operator's email are recorded. The write is
    // not awaited: waiting for it would make a known email answer measurably slower than an unknown one.
    if (operator && principal) {
      void recordAudit(ctx.db, {
        orgId: operator.org_id,
        actor: principal,
        action: 'operator.login_failed',
        outcome: 'failure',
        target: { type: 'operator', id: operator.id },
        details: { email: input.email, reason: operator.password_hash ? 'wrong_password' : 'no_password_set' },
        ip: input.ip,
      }).catch((error: Error) => ctx.log.error(`could not audit a failed sign-in for ${email}: ${error.message}`));
    }
    throw wrongCredentials();
  }

  const sessionSecret = newSecret('rs');
  await ctx.db.transaction().execute(async (trx) => {
    // Expired sessions are only dead rows; clearing the operator's own keeps the table small without a sweeper.
    await trx.deleteFrom('operator_sessions').where('operator_id', '=', operator.id).where('expires_at', '<=', new Date()).execute();
    await trx
      .insertInto('operator_sessions')
      .values({ token_hash: hashSecret(sessionSecret), operator_id: operator.id, expires_at: new Date(Date.now() + SESSION_IDLE_MS) })
      .execute();
    await recordAudit(trx, { orgId: operator.org_id, actor: principal, action: 'operator.login', target: { type: 'operator', id: operator.id }, ip: input.ip });
  });
  return {
    operator: { id: operator.id, email: operator.email, name: operator.name, role: operator.role },
    organization: { id: operator.org_id, name: operator.org_name },
    sessionSecret,
  };
}

/** Ends the session the cookie names, if it is still there; signing out twice is not an error. */
export async function signOut(ctx: AppContext, sessionSecret: string, ip: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const ended = await trx.deleteFrom('operator_sessions').where('token_hash', '=', hashSecret(sessionSecret)).returning(['operator_id', 'expires_at']).executeTakeFirst();
    if (!ended || ended.expires_at <= new Date()) return;
    const operator = await trx.selectFrom('operators').select(['id', 'org_id', 'email', 'name', 'role']).where('id', '=', ended.operator_id).executeTakeFirst();
    if (!operator) return;
    await recordAudit(trx, {
      orgId: operator.org_id,
      actor: { kind: 'operator', operatorId: operator.id, orgId: operator.org_id, role: operator.role, email: operator.email, name: operator.name, via: 'session' },
      action: 'operator.logout',
      target: { type: 'operator', id: operator.id },
      ip,
    });
  });
}
