import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { JobDefinition } from '../platform/jobs/jobs.ts';
import type { OperationUpkeep } from '../platform/operations/index.ts';

/** A feature registers its own routes, background jobs and long-running work; app.ts and the worker only list features. */
export interface Feature {
  name: string;
  routes?: (app: FastifyInstance, ctx: AppContext) => Promise<void>;
  jobs?: JobDefinition<any, AppContext>[];
  /** Its kinds of long-running work, for the one sweeper (docs/operations.md). */
  operations?: OperationUpkeep<AppContext>[];
  /** Loops that run in every worker process beside the jobs (the webhook deliverer); stopped on shutdown. */
  services?: ((ctx: AppContext) => { stop(): Promise<void> })[];
}
