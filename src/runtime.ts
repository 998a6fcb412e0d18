import type { FastifyInstance } from 'fastify';
import { buildApp, buildOperationsApp } from './app.ts';
import { retryWhileDatabaseAway } from './db/database-availability.ts';
import type { Config } from './config/config.ts';
import { type AppContext, closeContext, createContext, openDatabase } from './context.ts';
import { jsonLogger } from './platform/logging.ts';
import { createApiKey, createApplication, createOperator, createOrganization, generatePassword } from './features/auth/tenancy.service.ts';
import { mailOwnerWelcome } from './features/auth/passwords.service.ts';
import { allJobs, allServices } from './features/index.ts';
import { RETIRED_SWEEP_JOBS } from './platform/operations/index.ts';
import { sweepTemporaryFiles } from './features/upkeep/index.ts';

export interface RunningRoster {
  ctx: AppContext;
  app?: FastifyInstance;
  stop(): Promise<void>;
}

export interface RunOptions {
  http: boolean;
  worker: boolean;
  /** Create the demo tenant on an empty database (only `start` does). */
  bootstrap: boolean;
  /** `start --owner-email`: the first start's OWNER gets this email (and a set-password link mailed to it). */
  ownerEmail?: string;
}

/** How long SIGTERM waits for jobs to checkpoint; the process exits 0 within 10 s in all. */
const JOB_STOP_TIMEOUT_MS = 8_000;

/** Runs HTTP, the job worker, or both, on one shared context. */
export async function runRoster(config: Config, options: RunOptions): Promise<RunningRoster> {
  const log = jsonLogger(config.LOG_LEVEL);
  const opened = await openDatabase(config, { log });
  // The process outlives its embedded server: if PostgreSQL dies, start it again.
  opened.superviseEmbedded((line) => log.warn(line));
  const ctx = await createContext(config, opened.handle, { maintenance: options.worker, log });
  await retryWhileDatabaseAway(ctx.database, () => ctx.jobs.start(allJobs));
  if (options.bootstrap) {
    const created = await bootstrapDemoTenant(ctx, { ownerEmail: options.ownerEmail });
    if (!created && options.ownerEmail) console.log(`--owner-email applies to the first start only; this data folder already has an organization (sign in as its owner).`);
  }

  // A worker serves only /healthz, /readyz and /metrics on PORT.
  const app = options.http ? await buildApp(ctx, { logger: true }) : await buildOperationsApp(ctx, { logger: true });
  await app.listen({ port: config.PORT, host: config.HOST });
  if (options.http) console.log(`Roster is serving on ${config.PUBLIC_URL} (console at ${config.PUBLIC_URL}/, API docs at ${config.PUBLIC_URL}/docs)`);
  const services: { stop(): Promise<void> }[] = [];
  if (options.worker) {
    await retryWhileDatabaseAway(ctx.database, () => ctx.jobs.work(allJobs, ctx));
    services.push(...allServices.map((start) => start(ctx)));
    // The sweepers the one operations sweep replaced (docs/operations.md) must not be queued by their old cron.
    await ctx.jobs.retireSchedules(RETIRED_SWEEP_JOBS).catch(() => {});
    // What a killed predecessor on this machine left behind; the hourly schedule runs on one worker only.
    void sweepTemporaryFiles(ctx).catch((error: Error) => ctx.log.warn(`could not sweep temporary files: ${error.message}`));
    console.log(`Roster worker is running ${allJobs.length} job queue(s)${options.http ? '' : ` (health and metrics on ${config.PUBLIC_URL})`}`);
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop taking requests (those in flight finish) and jobs (those running checkpoint) side by side.
      await Promise.allSettled([app.close(), ctx.jobs.stop(JOB_STOP_TIMEOUT_MS), ...services.map((service) => service.stop())]);
      await closeContext(ctx);
      await opened.stopEmbedded();
    })());
  return { ctx, app, stop };
}

/** On the first start of an empty database, create a tenant to try Roster with and print its secrets once. */
export async function bootstrapDemoTenant(ctx: AppContext, options: { ownerEmail?: string } = {}): Promise<boolean> {
  const existing = await ctx.db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  const org = await createOrganization(ctx.db, 'Demo organization');
  const app = await createApplication(ctx.db, org.id, 'Demo application');
  const password = generatePassword();
  const email = options.ownerEmail ?? 'owner@example.com';
  const owner = await createOperator(ctx.db, { orgId: org.id, email, role: 'OWNER', name: options.ownerEmail ? '' : 'Demo owner', password });
  // A real owner address gets a link to choose their own password; the printed one works meanwhile.
  if (options.ownerEmail) {
    await mailOwnerWelcome(ctx, { id: owner.id, email }).catch((error: Error) => ctx.log.warn(`could not mail the set-password link to ${email}: ${error.message}`));
  }
  const key = await createApiKey(ctx.db, app.id, { name: 'demo key' });
  console.log(
    [
      '',
      'First start: created a demo organization to try Roster with. These secrets are shown only now.',
      `  Console:        ${ctx.config.PUBLIC_URL}/`,
      `  Login:          ${email}`,
      `  Password:       ${password}`,
      ...(options.ownerEmail ? [`                  (a link to choose another was mailed to ${email}${ctx.mailer.kind === 'outbox' ? `, in ${ctx.config.dataDir}/outbox/` : ''})`] : []),
      `  API key:        ${key.api_key}   (header x-api-key, application ${app.id})`,
      `  Organization:   ${org.id}`,
      '',
    ].join('\n'),
  );
  return true;
}
