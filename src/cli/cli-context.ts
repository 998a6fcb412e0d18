import type { AppContext } from '../context.ts';
import { AppError, notFound } from '../http/errors.ts';
import type { OperatorPrincipal } from '../features/auth/principal.ts';
import { isUuid } from '../platform/validation/uuid.ts';

/** A flag that names a row by id: checked here, so a typo is a clear line rather than PostgreSQL's own words. */
export function idFlag(value: string, flag: string): string {
  if (!isUuid(value)) throw new AppError('invalid_argument', `--${flag} must be an id (a UUID such as 3f2b…-…), got "${value}"`);
  return value.toLowerCase();
}

export async function loadApplication(ctx: AppContext, appId: string): Promise<{ id: string; org_id: string; name: string }> {
  const app = await ctx.db.selectFrom('applications').select(['id', 'org_id', 'name']).where('id', '=', idFlag(appId, 'app')).executeTakeFirst();
  if (!app) throw notFound('Application');
  return app;
}

/**
 * Who a bulk command acts as: the operator named by --as, else the organization's first OWNER.
 * Imports, exports and face imports are an operator's (created_by, audit trail, export email).
 */
export async function cliOperator(ctx: AppContext, orgId: string, email: string | undefined): Promise<OperatorPrincipal> {
  let query = ctx.db.selectFrom('operators').select(['id', 'email', 'name', 'role']).where('org_id', '=', orgId).where('removed_at', 'is', null);
  query = email ? query.where('email', '=', email.trim().toLowerCase()) : query.where('role', '=', 'OWNER');
  const operator = await query.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  if (!operator) {
    throw email
      ? new AppError('operator_not_found', `No operator ${email} in this application's organization`)
      : new AppError('operator_not_found', "The application's organization has no OWNER to act as; pass --as EMAIL");
  }
  return { kind: 'operator', operatorId: operator.id, orgId, role: operator.role, email: operator.email, name: operator.name, via: 'token' };
}

/**
 * Works the queue in this process while a command waits for its job. A `roster start`/`worker`
 * on the same database may take the job instead: pg-boss hands each job to one worker.
 */
export async function startLocalWorker(ctx: AppContext): Promise<void> {
  // Every feature's jobs, loaded only by the commands that wait for one (the others start faster).
  const { allJobs } = await import('../features/index.ts');
  const oneOff = allJobs.filter((definition) => !definition.schedule);
  await ctx.jobs.start(allJobs);
  await ctx.jobs.work(oneOff, ctx);
}
