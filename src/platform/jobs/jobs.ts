import { PgBoss } from 'pg-boss';
import type { z } from 'zod';

/** What a queue is allowed to tune; everything else keeps pg-boss defaults. */
export interface JobQueueSettings {
  expireInSeconds?: number;
  heartbeatSeconds?: number;
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  /** Wake workers by LISTEN/NOTIFY the moment a job is sent, instead of at their next poll. */
  notify?: boolean;
}

export interface JobWorkSettings {
  batchSize?: number;
  localConcurrency?: number;
  pollingIntervalSeconds?: number;
  /** Backstop poll of a `notify` queue (pg-boss default 30 s): a busy worker misses the NOTIFY and finds the job here. */
  notifyPollingIntervalSeconds?: number;
}

export interface JobInfo {
  id: string;
  retryCount: number;
  signal: AbortSignal;
}

/** A background job: a name, a payload schema and a handler. Payloads carry ids, never file contents. */
export interface JobDefinition<Payload = unknown, Deps = unknown> {
  name: string;
  payload: z.ZodType<Payload>;
  queue?: JobQueueSettings;
  work?: JobWorkSettings;
  /** Cron (UTC) for recurring jobs such as retention sweeps. */
  schedule?: string;
  handle(payload: Payload, deps: Deps, job: JobInfo): Promise<void>;
}

export function defineJob<Payload, Deps>(definition: JobDefinition<Payload, Deps>): JobDefinition<Payload, Deps> {
  return definition;
}

export interface JobsOptions {
  connectionString: string;
  /** PostgreSQL schema pg-boss keeps its tables in. */
  schema: string;
  /** Whether this process runs maintenance and cron (workers do, API servers do not). */
  maintenance: boolean;
  onError?: (error: Error) => void;
}

/** The queue every `roster worker` shares through PostgreSQL. */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly createdQueues = new Set<string>();
  /** While stopping, lost connections are expected (the embedded server may stop alongside). */
  private stopping = false;

  constructor(private readonly options: JobsOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema,
      max: 4,
      supervise: options.maintenance,
      schedule: options.maintenance,
      migrate: true,
      // Queues with `notify` start within milliseconds of send() rather than at the next poll.
      useListenNotify: true,
      // How soon a dead worker's job (heartbeat gone stale) is failed and retried elsewhere; default 60 s.
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 5,
    });
    this.boss.on('error', (error: Error) => {
      if (!this.stopping) options.onError?.(error);
    });
  }

  async start(definitions: JobDefinition<any, any>[]): Promise<void> {
    await this.boss.start();
    for (const definition of definitions) await this.ensureQueue(definition);
  }

  private async ensureQueue(definition: JobDefinition<any, any>): Promise<void> {
    if (this.createdQueues.has(definition.name)) return;
    await this.boss.createQueue(definition.name, { ...definition.queue });
    this.createdQueues.add(definition.name);
  }

  async send<Payload>(definition: JobDefinition<Payload, any>, payload: Payload, options: { singletonKey?: string; startAfterSeconds?: number } = {}): Promise<string | null> {
    await this.ensureQueue(definition);
    const data = definition.payload.parse(payload) as object;
    return this.boss.send(definition.name, data, {
      singletonKey: options.singletonKey,
      startAfter: options.startAfterSeconds,
    });
  }

  /** Starts handling every definition's queue in this process. */
  async work<Deps>(definitions: JobDefinition<any, Deps>[], deps: Deps): Promise<void> {
    for (const definition of definitions) {
      await this.ensureQueue(definition);
      await this.boss.work(
        definition.name,
        { batchSize: 1, pollingIntervalSeconds: 0.5, ...definition.work },
        async (jobs: { id: string; data: unknown; retryCount?: number; signal?: AbortSignal }[]) => {
          for (const job of jobs) {
            const payload = definition.payload.parse(job.data);
            await definition.handle(payload, deps, {
              id: job.id,
              retryCount: job.retryCount ?? 0,
              signal: job.signal ?? new AbortController().signal,
            });
          }
        },
      );
      if (definition.schedule && this.options.maintenance) {
        await this.boss.schedule(definition.name, definition.schedule, {}, { tz: 'UTC' });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
