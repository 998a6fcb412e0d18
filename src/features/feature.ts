import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { JobDefinition } from '../platform/jobs/jobs.ts';

/** A feature registers its own routes and background jobs; app.ts and the worker only list features. */
export interface Feature {
  name: string;
  routes?: (app: FastifyInstance, ctx: AppContext) => Promise<void>;
  jobs?: JobDefinition<any, AppContext>[];
}
