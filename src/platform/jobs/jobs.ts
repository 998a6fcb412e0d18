import type { PgBoss } from './pg-boss.ts';
import type { z } from 'zod';
import { isDatabaseUnavailable } from '../../db/database-availability.ts';
import { logContext } from '../logging.ts';
import { type JobRuns, POISON_CRASHES } from './job-runs.ts';

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
  /** Backstop poll of a `notify` queue (pg-boss default 30 s; NOTIFY_BACKSTOP_SECONDS here): finds retries coming due. */
  notifyPollingIntervalSeconds?: number;
}

export interface JobInfo {
  id: string;
  retryCount: number;
  /** Aborted when the job is taken from this worker or the process is shutting down: checkpoint and throw. */
  signal: AbortSignal;
}

/** Thrown by a handler that stopped at a checkpoint because its signal was aborted; the job is retried elsewhere. */
export class JobInterrupted extends Error {
  constructor(message = 'the job was interrupted (shutdown, or taken by another worker); it resumes from its last checkpoint') {
    super(message);
  }
}

/** A background job: a name, a payload schema and a handler. Payloads carry ids, never file contents. */
export interface JobDefinition<Payload = unknown, Deps = unknown> {
  name: string;
  payload: z.ZodType<Payload>;
  queue?: JobQueueSettings;
  work?: JobWorkSettings;
  /** Cron (UTC) for recurring jobs such as retention sweeps. */
  schedule?: string;
  /**
   * Fairness between tenants (docs/operations.md): at most this many of the queue's jobs of one
   * organization run at once, across every worker, so one organization's backlog cannot hold the
   * queue. Every send must then name the organization.
   */
  perOrganization?: number;
  handle(payload: Payload, deps: Deps, job: JobInfo): Promise<void>;
  /**
   * The job crashed its process POISON_CRASHES times (job-runs.ts): it is not run again. Say so where
   * people look (the import fails with `job_crashed`); the job then completes without running.
   */
  poisoned?(payload: Payload, deps: Deps, message: string): Promise<void>;
}

/** pg-boss's group concurrency: a job's group is its organization; each worker runs one more job than one organization may hold. */
function fairnessOf(definition: JobDefinition<any, any>): JobWorkSettings & { groupConcurrency?: number } {
  if (!definition.perOrganization) return {};
  const localConcurrency = Math.max(definition.work?.localConcurrency ?? 1, definition.perOrganization + 1);
  return { localConcurrency, groupConcurrency: definition.perOrganization };
}

export function defineJob<Payload, Deps>(definition: JobDefinition<Payload, Deps>): JobDefinition<Payload, Deps> {
  return definition;
}

// Every poll is a query, and garbage in the worker: an idle worker polled each queue twice a second (~25
// queries a second, and a heap creeping up by megabytes a minute: bench:process). A recurring job (an
// hourly sweep) can start seconds after its tick. A `notify` queue's workers are woken by LISTEN/NOTIFY
// when a job is sent, also mid-job (pg-boss fetches again at once after the job it was running) and
// after its listener reconnects; the backstop poll only finds what no one announces: retries coming
// due, and jobs made while no listener ran. Plain queues keep polling twice a second.
const SCHEDULED_POLL_SECONDS = 10;
const NOTIFY_BACKSTOP_SECONDS = 2;

function pollingOf(definition: JobDefinition<any, any>): JobWorkSettings {
  const polling = definition.work?.pollingIntervalSeconds ?? (definition.schedule ? SCHEDULED_POLL_SECONDS : 0.5);
  // pg-boss requires the backstop to be no shorter than the plain poll.
  return { pollingIntervalSeconds: polling, notifyPollingIntervalSeconds: Math.max(NOTIFY_BACKSTOP_SECONDS, polling) };
}

export interface JobsOptions {
  connectionString: string;
  /** PostgreSQL schema pg-boss keeps its tables in. */
  schema: string;
  /** Whether this process runs maintenance and cron (workers do, API servers do not). */
  maintenance: boolean;
  onError?: (error: Error) => void;
  /** Resolves once the database answers again (rejects if the signal aborts first). */
  waitForDatabase?: (signal: AbortSignal) => Promise<void>;
  log?: (message: string) => void;
  /** Where jobs taken by a worker are marked running, to find the ones that crash their process. */
  runs?: JobRuns;
}

/** How often one job may be carried over a database outage in the same worker before it counts as a failed attempt. */
const OUTAGE_RESUMES = 20;

/** The queue every `roster worker` shares through PostgreSQL. */
export class JobQueue {
  /** pg-boss loads on first use: a CLI command that never touches the queue does not pay for it. */
  private loaded: Promise<PgBoss> | undefined;
  private readonly createdQueues = new Set<string>();
  /** While stopping, lost connections are expected (the embedded server may stop alongside). */
  private stopping = false;
  /** Aborted at shutdown: running handlers checkpoint and hand their job back. */
  private readonly shutdown = new AbortController();
  private readonly workedQueues = new Set<string>();

  /** The metrics module (prom-client) also loads with the queue's start, not with a CLI command. */
  private metrics: typeof import('../metrics.ts') | undefined;

  constructor(private readonly options: JobsOptions) {}

  private async loadMetrics(): Promise<typeof import('../metrics.ts')> {
    if (this.metrics) return this.metrics;
    this.metrics = await import('../metrics.ts');
    this.metrics.setQueueDepthSource(async () => {
      const queues = await (await this.boss()).getQueues([...this.createdQueues]);
      return queues.map((queue) => ({ queue: queue.name, depth: queue.queuedCount }));
    });
    return this.metrics;
  }

  private boss(): Promise<PgBoss> {
    const { options } = this;
    this.loaded ??= import('./pg-boss.ts').then(({ PgBoss }) => {
      const boss = new PgBoss({
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
      boss.on('error', (error: Error) => {
        if (!this.stopping) options.onError?.(error);
      });
      return boss;
    });
    return this.loaded;
  }

  async start(definitions: JobDefinition<any, any>[]): Promise<void> {
    await (await this.boss()).start();
    await this.loadMetrics();
    for (const definition of definitions) await this.ensureQueue(definition);
    if (this.options.maintenance) await this.options.runs?.prune().catch(() => {});
  }

  private async ensureQueue(definition: JobDefinition<any, any>): Promise<void> {
    if (this.createdQueues.has(definition.name)) return;
    await (await this.boss()).createQueue(definition.name, { ...definition.queue });
    this.createdQueues.add(definition.name);
  }

  async send<Payload>(
    definition: JobDefinition<Payload, any>,
    payload: Payload,
    options: { singletonKey?: string; startAfterSeconds?: number; organizationId?: string } = {},
  ): Promise<string | null> {
    if (definition.perOrganization && !options.organizationId) throw new Error(`job ${definition.name} is shared fairly between organizations: send it with organizationId`);
    await this.ensureQueue(definition);
    const data = definition.payload.parse(payload) as object;
    return (await this.boss()).send(definition.name, data, {
      singletonKey: options.singletonKey,
      startAfter: options.startAfterSeconds,
      group: options.organizationId ? { id: options.organizationId } : undefined,
    });
  }

  /** Removes the cron of jobs that no longer exist (replaced by another), so no tick queues them again. */
  async retireSchedules(names: readonly string[]): Promise<void> {
    if (!this.options.maintenance) return;
    const boss = await this.boss();
    for (const name of names) await boss.unschedule(name).catch(() => {});
  }

  /** Starts handling every definition's queue in this process. */
  async work<Deps>(definitions: JobDefinition<any, Deps>[], deps: Deps): Promise<void> {
    const { jobDuration } = await this.loadMetrics();
    for (const definition of definitions) {
      await this.ensureQueue(definition);
      this.workedQueues.add(definition.name);
      await (await this.boss()).work(
        definition.name,
        { batchSize: 1, ...pollingOf(definition), ...definition.work, ...fairnessOf(definition) },
        async (jobs: { id: string; data: unknown; retryCount?: number; signal?: AbortSignal }[]) => {
          for (const job of jobs) await this.runOne(definition, deps, job, jobDuration);
        },
      );
      if (definition.schedule && this.options.maintenance) {
        // pg-boss keeps one schedule row per name and sends each tick once across every process.
        await (await this.boss()).schedule(definition.name, definition.schedule, {}, { tz: 'UTC' });
      }
    }
  }

  /**
   * One job: a database outage in the middle does not fail it; the handler waits for the database and
   * runs again (handlers resume from their checkpoint). A shutdown aborts its signal.
   */
  private runOne<Deps>(
    definition: JobDefinition<any, Deps>,
    deps: Deps,
    job: { id: string; data: unknown; retryCount?: number; signal?: AbortSignal },
    jobDuration: (typeof import('../metrics.ts'))['jobDuration'],
  ): Promise<void> {
    // Every line the handler logs names its job.
    return logContext.run({ jobId: job.id, queue: definition.name }, () => this.runHandler(definition, deps, job, jobDuration));
  }

  private async runHandler<Deps>(
    definition: JobDefinition<any, Deps>,
    deps: Deps,
    job: { id: string; data: unknown; retryCount?: number; signal?: AbortSignal },
    jobDuration: (typeof import('../metrics.ts'))['jobDuration'],
  ): Promise<void> {
    const payload = definition.payload.parse(job.data);
    const { runs } = this.options;
    // Checked where a job is taken: a job that took its process down twice is not given to a third.
    const crashes = runs ? await runs.claim(job.id, definition.name) : 0;
    if (crashes >= POISON_CRASHES) {
      const message = `The job stopped its process ${crashes} times (out of memory or a fatal error); it is not run again.`;
      this.options.log?.(`job ${definition.name} ${job.id}: ${message}`);
      await definition.poisoned?.(payload, deps, message);
      await runs!.finish(job.id, 'completed');
      return;
    }
    let outcome: 'completed' | 'failed' = 'failed';
    try {
      await this.runAttempts(definition, deps, job, payload, jobDuration);
      outcome = 'completed';
    } finally {
      await runs?.finish(job.id, outcome).catch(() => {});
    }
  }

  private async runAttempts<Deps>(
    definition: JobDefinition<any, Deps>,
    deps: Deps,
    job: { id: string; retryCount?: number; signal?: AbortSignal },
    payload: unknown,
    jobDuration: (typeof import('../metrics.ts'))['jobDuration'],
  ): Promise<void> {
    const signal = job.signal ? AbortSignal.any([job.signal, this.shutdown.signal]) : this.shutdown.signal;
    const timer = jobDuration.startTimer({ kind: definition.name });
    for (let resume = 0; ; resume++) {
      try {
        await definition.handle(payload, deps, { id: job.id, retryCount: job.retryCount ?? 0, signal });
        timer({ outcome: 'completed' });
        return;
      } catch (error) {
        if (signal.aborted) {
          timer({ outcome: 'interrupted' });
          throw error instanceof JobInterrupted ? error : new JobInterrupted();
        }
        if (isDatabaseUnavailable(error) && this.options.waitForDatabase && resume < OUTAGE_RESUMES) {
          this.options.log?.(`job ${definition.name} ${job.id}: the database went away (${(error as Error).message}); resuming once it is back`);
          try {
            await this.options.waitForDatabase(signal);
            continue;
          } catch {
            // Shut down while waiting: hand the job back.
          }
        }
        timer({ outcome: 'failed' });
        throw error;
      }
    }
  }

  /** Jobs waiting in the queues this process knows (for /metrics and tests). */
  async queueDepths(): Promise<Record<string, number>> {
    const queues = await (await this.boss()).getQueues([...this.createdQueues]);
    return Object.fromEntries(queues.map((queue) => [queue.name, queue.queuedCount]));
  }

  /**
   * Stops fetching jobs, tells running handlers to checkpoint (their signal aborts) and waits for them,
   * up to `timeoutMs`. An interrupted job is failed back to its queue and another worker resumes it.
   */
  async stop(timeoutMs = 8_000): Promise<void> {
    this.stopping = true;
    // Never loaded: nothing was started, nothing to stop.
    const boss = this.loaded ? await this.loaded : undefined;
    for (const name of this.workedQueues) await boss?.offWork(name, { wait: false }).catch(() => {});
    this.shutdown.abort();
    await boss?.stop({ graceful: true, timeout: timeoutMs });
  }
}
