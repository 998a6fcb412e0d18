import type { MeterProvider, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
export type JobStates = {
    created: 'created';
    retry: 'retry';
    active: 'active';
    completed: 'completed';
    cancelled: 'cancelled';
    failed: 'failed';
};
export type Events = {
    error: 'error';
    warning: 'warning';
    wip: 'wip';
    stopped: 'stopped';
    bam: 'bam';
    flow: 'flow';
};
export interface IDatabase {
    executeSql(text: string, values?: unknown[]): Promise<{
        rows: any[];
    }>;
    /**
     * Optional capability for LISTEN/NOTIFY support. When present, pg-boss can hold a
     * dedicated session-pinned connection to receive notifications. The built-in pool-based
     * Db implements this; custom adapters may implement it to enable `useListenNotify`.
     * Must invoke `onReconnect` after each successful (re)subscribe so missed notifications
     * can be recovered. Returns a handle whose `close()` tears down the listener.
     */
    listen?(channel: string, onNotification: (payload: string) => void, onReconnect: () => void): Promise<ListenHandle>;
    /**
     * Optional capability for pg-boss-owned transactions. When present, pg-boss can open a
     * transaction and settle it from a different call frame, which is what
     * `work(name, { transactional: true }, ...)` needs. The built-in pool-based Db implements it;
     * a custom adapter may implement it to enable transactional workers.
     */
    beginTransaction?(): Promise<TransactionHandle>;
    /**
     * Optional capability for per-session setup. pg-boss calls this during `start()`, before it
     * issues any statement, with the complete set of SQL statements that must have run on every
     * session the adapter executes pg-boss statements on. Each call replaces the previous set; an
     * empty array clears it.
     *
     * A pooled adapter runs them on every connection it opens, before handing it out. A
     * single-connection adapter (PGlite) runs them once. The requirement covers sessions that run
     * pg-boss statements, not literally every connection: a dedicated LISTEN connection that only
     * subscribes and never reads the clock is outside it.
     *
     * Only a `TestClock` populates this today - the schema clock is gated on a session setting, so
     * an adapter that cannot carry one would put some sessions on fake time and some on real time,
     * silently and differently on every checkout. `start()` refuses a TestClock on an adapter that
     * does not implement this.
     */
    setSessionStatements?(statements: string[]): Promise<void>;
    /**
     * Optional capability for the instance registry: the pool's size and use, recorded on each
     * heartbeat. The built-in pool-based Db implements it; without it the pool columns stay null.
     */
    poolCounts?(): PoolCounts | null;
}
/** A connection pool's size and use at one moment, as node-postgres counts them. */
export interface PoolCounts {
    max: number;
    total: number;
    idle: number;
    waiting: number;
}
export interface ListenHandle {
    close(): Promise<void>;
}
export interface TransactionHandle {
    /** Runs statements inside the transaction. Pass it as the `db` option on any pg-boss call. */
    db: IDatabase;
    /**
     * Commits and releases the underlying connection. Rejects if the commit fails, or if the
     * transaction has already been settled.
     */
    commit(): Promise<void>;
    /**
     * Rolls back and releases the underlying connection. Never rejects, and safe to call more than
     * once. Implementations must not wait indefinitely: a rollback that cannot get through has to
     * drop the connection instead, so the caller's error path always makes progress.
     */
    rollback(): Promise<void>;
}
export interface DatabaseOptions {
    application_name?: string;
    database?: string;
    user?: string;
    password?: string | (() => string | Promise<string>);
    host?: string;
    port?: number;
    schema?: string;
    ssl?: any;
    connectionString?: string;
    /**
     * Command-line options sent to the server on connect, e.g. `-c statement_timeout=5000`. Applied
     * to every connection in the pool. Passed through to `pg`.
     */
    options?: string;
    max?: number;
    db?: IDatabase;
    connectionTimeoutMillis?: number;
    /**
     * Interval in milliseconds between LISTEN/NOTIFY heartbeat checks on the dedicated
     * listener connection. Lower values detect silent connection drops faster at the cost
     * of more heartbeat queries. Defaults to 10000.
     */
    notifyHeartbeatIntervalMs?: number;
    /**
     * Timeout in milliseconds for each LISTEN/NOTIFY heartbeat query. If a heartbeat does
     * not complete within this window the listener is torn down and reconnected. Raise this
     * on a loaded database where the default is too aggressive. Defaults to 5000.
     */
    notifyHeartbeatTimeoutMs?: number;
    /**
     * TCP keepalive initial delay in milliseconds for the dedicated LISTEN/NOTIFY connection.
     * Defaults to 10000.
     */
    notifyKeepAliveInitialDelayMs?: number;
}
export interface SchedulingOptions {
    schedule?: boolean;
    clockMonitorIntervalSeconds?: number;
    cronWorkerIntervalSeconds?: number;
    cronMonitorIntervalSeconds?: number;
}
/**
 * A named database backend. Selecting a backend turns on the internal compatibility
 * behavior it needs (`noSkipLocked`, `noMultiMutationCte`, `noTablePartitioning`, etc.).
 * Those flags are derived from the backend and are not individually configurable.
 *
 * Backends fall into three kinds, standard, distributed, and embedded:
 * - `postgres` (default): standard PostgreSQL, all flags off.
 * - `cockroachdb`: distributed; enables `noSkipLocked`, `noMultiMutationCte`, `noListenNotify`, and all four `no*` schema gates.
 * - `yugabytedb`: deprecated and removed in the next major, since YugabyteDB is not supported.
 * - `citus`: distributed; plain PostgreSQL behavior (Citus tables stay coordinator-local); LISTEN/NOTIFY works on the coordinator.
 * - `pglite`: embedded (NOT distributed) single-connection WASM PostgreSQL, all gates off; supports in-process LISTEN/NOTIFY.
 *
 * YugabyteDB, Spanner, Aurora DSQL, and other targets are not supported.
 * @see https://pgboss.io/database-backends
 */
export type BackendProfile = 'postgres' | 'cockroachdb' | 'yugabytedb' | 'citus' | 'pglite';
export interface MaintenanceOptions {
    supervise?: boolean;
    migrate?: boolean;
    createSchema?: boolean;
    /**
     * Allow installing into `schema` when another schema differing from it only by case already
     * holds a pg-boss installation.
     * @see https://pgboss.io/api/constructor#allowschemacasevariant
     * @default false
     */
    allowSchemaCaseVariant?: boolean;
    warningSlowQuerySeconds?: number;
    warningQueueSize?: number;
    superviseIntervalSeconds?: number;
    maintenanceIntervalSeconds?: number;
    queueCacheIntervalSeconds?: number;
    monitorIntervalSeconds?: number;
    persistWarnings?: boolean;
    warningRetentionDays?: number;
    /**
     * Record a snapshot of every queue's counts and throughput on each monitor pass, queryable with
     * `getQueueStats()`.
     * @see https://pgboss.io/api/constructor#persistqueuestats
     * @default false
     */
    persistQueueStats?: boolean;
    queueStatRetentionDays?: number;
    bamIntervalSeconds?: number;
    flowIntervalSeconds?: number;
    /**
     * Rebuild bloated job indexes with `REINDEX INDEX CONCURRENTLY` during maintenance. Pass an
     * object to change the thresholds, or `false` to disable rebuilds.
     * @see https://pgboss.io/api/constructor#reindex
     * @default true
     */
    reindex?: boolean | ReindexOptions;
    /**
     * How often the index bloat check runs, in seconds. Must be >=1 and cannot exceed 24 hours.
     * @default 86400
     */
    reindexIntervalSeconds?: number;
    /**
     * Check that vacuum is keeping up with the queues, and emit an `xmin_horizon` or
     * `autovacuum_disabled` warning when it isn't.
     * @see https://pgboss.io/api/constructor#monitorvacuum
     * @default true
     */
    monitorVacuum?: boolean;
}
/** Thresholds for the index-bloat density check. */
export interface IndexBloatOptions {
    /**
     * Ignore indexes smaller than this many 8 kB pages.
     * @default 128
     */
    minPages?: number;
    /**
     * Live index entries per 8 kB page below which an index is considered bloated.
     * @default 5
     */
    maxEntriesPerPage?: number;
    /**
     * How many times larger than its live entries need an index must be before it counts as bloated.
     * @default 4
     */
    minSizeRatio?: number;
}
export interface ReindexOptions extends IndexBloatOptions {
    /**
     * Rebuild every job index in scope instead of only the bloated ones, and ignore the interval
     * claim so the pass runs immediately.
     * @default false
     */
    force?: boolean;
    /**
     * Never rebuild an index larger than this many bytes. A large index that still passes the density
     * gate carries a genuinely expensive rebuild, so it is left to an operator.
     * @default 2147483648
     */
    maxIndexBytes?: number;
}
export interface SuperviseOptions {
    /**
     * Overrides the constructor's `reindex` setting for this pass only.
     */
    reindex?: boolean | ReindexOptions;
}
/** A bloated index found by the maintenance density check. */
export interface IndexBloat {
    /** Index name, unqualified. */
    name: string;
    /** The job table the index belongs to. */
    table: string;
    /** Index size in 8 kB pages. */
    pages: number;
    /** Live index entries, as of the last VACUUM/ANALYZE. */
    entries: number;
    /** Index size on disk. */
    bytes: number;
    /** Whether the connected role can `REINDEX` it. */
    owned: boolean;
}
export interface QueueStats {
    name: string;
    deferredCount: number;
    queuedCount: number;
    readyCount: number;
    activeCount: number;
    failedCount: number;
    /**
     * All jobs stored for the queue.
     * @see https://pgboss.io/api/queues#getqueues-names-options
     */
    totalCount: number;
    /**
     * Jobs completed in the window since the previous monitor pass. Null when `persistQueueStats` is
     * off, or on a snapshot captured before pg-boss 12.35.
     * @see https://pgboss.io/api/queues#getqueuestats-name-options
     */
    completedDelta: number | null;
    /** Jobs that failed terminally in the same window. A job that will be retried is not included. */
    failedDelta: number | null;
    /** Jobs created in the same window. */
    createdDelta: number | null;
    /**
     * How many seconds the deltas cover, for a per-minute rate of `delta / deltaSeconds * 60`. Null
     * wherever the deltas are, and on a queue's first counted pass.
     */
    deltaSeconds: number | null;
    /** When the interval the deltas cover ends, 10 seconds behind `capturedOn`. Plot the deltas at this time. */
    deltaOn: Date | null;
    /**
     * Wait times of the jobs that finished in the deltas' window, as a histogram of 48 counts in
     * log-spaced bins; sum histograms to read a percentile over any span. Null wherever the deltas are.
     * @see https://pgboss.io/api/queues#getqueues-names-options
     */
    waitBins: number[] | null;
    /** Run times of the same jobs, in the same bins as `waitBins`. */
    runBins: number[] | null;
    /** How long the oldest job ready to run had waited when the snapshot was captured. */
    readyOldestSeconds: number | null;
    /**
     * With the `percentiles` option: one entry per percentile asked for, read from `waitBins` and `runBins`.
     * @see https://pgboss.io/api/queues#getqueuestats-name-options
     */
    percentiles?: QueueStatsPercentile[];
    capturedOn: Date;
}
/** One percentile of a snapshot's wait and run times, in seconds. Null where the snapshot has no histograms. */
export interface QueueStatsPercentile {
    /** The percentile asked for, from 1 to 100. */
    p: number;
    waitSeconds: number | null;
    runSeconds: number | null;
}
export interface QueueStatsOptions {
    /** persistQueueStats on: only return snapshots captured at or after this time. */
    from?: Date;
    /** persistQueueStats on: only return snapshots captured at or before this time. */
    to?: Date;
    /** persistQueueStats on: maximum number of snapshots to return (1–100000, default 1000). */
    limit?: number;
    /**
     * persistQueueStats on: downsample the recorded series into fixed-width time buckets this many
     * seconds wide, returning one aggregated snapshot per bucket instead of raw rows. Each bucket
     * collapses its count columns via {@link aggregate}. Buckets align to the Unix epoch, so their
     * boundaries are deterministic and stable across calls. Must be a positive integer. Omitted →
     * raw snapshots (current behavior). Size it so the bucket count stays within `limit`, otherwise
     * only the newest `limit` buckets are returned and the oldest part of the window is dropped.
     */
    bucketSeconds?: number;
    /**
     * persistQueueStats on: auto-downsample. Derive {@link bucketSeconds} so the series fits in
     * roughly this many points, e.g. a chart's pixel width. Must be a positive integer. The window
     * spanned is `from`/`to` when supplied (so an explicit x-axis range yields stable buckets even
     * with sparse data), falling back to the data's own `min`/`max` captured timestamps for any
     * open side. Ignored when `bucketSeconds` is set (explicit resolution wins).
     */
    maxDataPoints?: number;
    /**
     * persistQueueStats on: how each count column is collapsed within a bucket when `bucketSeconds`
     * or `maxDataPoints` is set. `'max'` surfaces peak depth (best for backlog alerting), `'min'`
     * the trough, `'avg'` the rounded mean. Ignored when neither bucket option is set.
     * @default 'max'
     */
    aggregate?: 'max' | 'min' | 'avg';
    /**
     * Percentiles to read from each snapshot's wait and run histograms, as percents from 1 to 100, such
     * as `[50, 95, 99.9]`. Each snapshot then carries a `percentiles` list, one entry per distinct value.
     * @see https://pgboss.io/api/queues#getqueuestats-name-options
     */
    percentiles?: number[];
    /**
     * persistQueueStats off: return a fresh reading. Recomputes the counts from the job table and
     * refreshes the queue-table cache rather than serving the regular (up to ~1h) cache, but still
     * reuses anything computed in the last minute so repeated forced calls don't each re-aggregate.
     */
    force?: boolean;
}
/**
 * Options for running pg-boss against a specific database backend.
 *
 * `backend` is the only knob. It expands to the correct internal compatibility flags
 * for that database (fetch strategy, mutation strategy, schema shape). Those flags are
 * derived from the backend and are not individually configurable, so a deployment can't
 * end up with an inconsistent combination.
 *
 * @see https://pgboss.io/database-backends#backend-profiles
 */
export interface BackendOptions {
    /**
     * Selects the database backend pg-boss is running against, expanding to the right
     * preset of internal compatibility flags. Databases without a profile (e.g. Aurora
     * DSQL, Spanner) are not yet supported.
     * @see BackendProfile
     * @default 'postgres'
     */
    backend?: BackendProfile;
}
export interface Migration {
    release: string;
    version: number;
    previous: number;
    install: string[];
    async?: Array<string | AsyncMigrationCommand>;
    uninstall?: string[];
}
export interface AsyncMigrationCommand {
    name: string;
    command: string;
    partitionPolicy?: QueuePolicy;
    table?: string;
}
export interface MigrationPartition {
    tableName: string;
    policy: QueuePolicy;
}
export interface PlanOptions {
    /**
     * The backend the SQL is meant to run against, named the way the constructor names it. Exported
     * SQL is run by hand, so it has to be the SQL that engine accepts: without this, plans are stock
     * PostgreSQL and a distributed backend rejects them partway through, table partitioning,
     * advisory locks, covering indexes, a column written in the transaction that added it.
     * `pglite` is stock PostgreSQL and needs nothing here.
     * @default 'postgres'
     */
    backend?: BackendProfile;
}
export interface ConstructionPlanOptions extends PlanOptions {
    /**
     * Include `CREATE SCHEMA`. Turn it off where the schema already exists or is created by
     * something else.
     * @default true
     */
    createSchema?: boolean;
}
export interface MigrationPlanOptions extends PlanOptions {
    /**
     * The partitioned job tables the migration should fan its index builds out across, as
     * `getQueues()` reports them. Only a caller holding a live connection can enumerate these;
     * without them a migration builds indexes on the shared table alone.
     */
    partitionTables?: MigrationPartition[];
}
/**
 * Source of time and timers. pg-boss reads the wall clock and schedules every poll, heartbeat and
 * timeout through this interface so a test can substitute a controllable clock.
 */
export interface Clock {
    /** epoch milliseconds */
    now(): number;
    setTimeout(fn: () => void, ms: number): ClockTimer;
    clearTimeout(handle: ClockTimer): void;
    setInterval(fn: () => void, ms: number): ClockTimer;
    clearInterval(handle: ClockTimer): void;
}
/**
 * Opaque handle returned by a Clock's setTimeout/setInterval and accepted by its clear methods.
 * The system clock returns NodeJS.Timeout; a test clock returns whatever it uses to track timers.
 */
export type ClockTimer = unknown;
/**
 * A Clock that also owns the Postgres-side clock. PgBoss attaches it on start(), after the schema
 * is installed, and disposes the returned handle on stop(). The handle is the only attachment state.
 */
export interface AttachableClock extends Clock {
    /**
     * `idle`, when given, resolves once the instance has no statement in flight: `true` if it had to
     * wait, `false` if it was already quiet. A clock that moves time by hand calls it before moving
     * on, so work a timer started finishes first.
     */
    attach(target: {
        db: IDatabase;
        schema: string;
        idle?: () => Promise<boolean>;
    }): Promise<AsyncDisposable>;
}
export interface InstanceOptions {
    /**
     * Record this instance in the database's instance registry, readable with `getInstances()`.
     * @see https://pgboss.io/api/ops#getinstances-options
     * @default true
     */
    registerInstance?: boolean;
    /**
     * A name for this instance in the registry, such as `api` or `billing-worker`.
     * @see https://pgboss.io/api/constructor#instancename
     */
    instanceName?: string;
    /**
     * How often this instance refreshes its registry row, in seconds. It reads as quiet after three
     * missed heartbeats.
     * @default 30
     */
    instanceHeartbeatSeconds?: number;
}
export interface OpenTelemetryOptions {
    /**
     * Set to false to emit no spans or metrics and store no trace context on jobs.
     * @default true
     */
    enabled?: boolean;
    /**
     * Store the trace context active at `send()` on the job, so the span that processes it continues
     * the producer's trace. With the SDK's default propagators this stores W3C Baggage as well as the
     * trace id; pass `propagator` to store less.
     * @default false
     * @see https://pgboss.io/opentelemetry#options
     */
    propagateContext?: boolean;
    /**
     * Propagator that writes the trace context stored on a job and reads it back when the job is
     * processed, for example `new W3CTraceContextPropagator()` to store trace ids only.
     * @default the propagator registered globally with the OpenTelemetry API
     */
    propagator?: TextMapPropagator;
    /**
     * Tracer provider to create pg-boss spans with.
     * @default the global tracer provider
     */
    tracerProvider?: TracerProvider;
    /**
     * Meter provider to create pg-boss instruments with.
     * @default the global meter provider
     */
    meterProvider?: MeterProvider;
}
export interface ConstructorOptions extends DatabaseOptions, SchedulingOptions, MaintenanceOptions, BackendOptions, InstanceOptions {
    /**
     * Source of time and timers for this instance. Defaults to the system clock (`Date.now` and the
     * global timer functions).
     * @default systemClock
     */
    clock?: Clock;
    /**
     * Enables the LISTEN/NOTIFY listener so workers on notify-enabled queues are woken
     * the moment a job is created, instead of waiting out their polling interval. This
     * holds one dedicated database connection for listening. Polling always remains active
     * as a correctness floor. Requires a pg-boss-owned pool (or an adapter that supports
     * `listen`) and a session-pinned connection. It will not work through PgBouncer in
     * transaction pooling mode. When it can't be established, pg-boss emits a `warning` and
     * continues polling only. Opt in per queue via the queue's `notify` option.
     * @default false
     */
    useListenNotify?: boolean;
    /**
     * OpenTelemetry tracing and metrics. On by default and free until an OpenTelemetry SDK is
     * registered: without one every span and instrument is a no-op.
     * @see https://pgboss.io/opentelemetry
     */
    openTelemetry?: OpenTelemetryOptions;
    /**
     * Enables job spies for deterministic testing (see `getSpy`). Adds per-transition
     * tracking overhead, **NOT for production.**
     * @default false
     */
    __test__enableSpies?: boolean;
}
/**
 * Options for a queue. All retry, expiration, and retention options set on a
 * queue will be inherited by each job in the queue unless they are overridden.
 */
export interface QueueOptions {
    /**
     * How many seconds a job may be in active state before being retried or
     * failed. Must be >=1. The default is 15 minutes.
     * @default 900
     */
    expireInSeconds?: number;
    /**
     * How many seconds a job may be in created or retry state before it's
     * deleted. Must be >=1. The default is 14 days.
     * @default 1209600
     */
    retentionSeconds?: number;
    /**
     * How long a job should be retained in the database after it's completed. Set
     * to `0` to never delete completed jobs. The default is 7 days.
     * @default 604800
     */
    deleteAfterSeconds?: number;
    /**
     * Number of times a job is allowed to be retried before it is marked as
     * failed.
     * @default 2
     */
    retryLimit?: number;
    /**
     * Delay between retries of failed jobs, in seconds.
     * @default 0
     */
    retryDelay?: number;
    /**
     * Enables exponential backoff retries based on `retryDelay` instead of a
     * fixed delay. Sets initial `retryDelay` to 1 if not set.
     *
     * A simplified function to get the delay between runs is: `retryDelay * 2 ^ retryCount`
     * with some jitter.
     *
     * The function used to determine the backoff delay is:
     * ```js
     * Math.min(retryDelayMax, retryDelay * (2 ** Math.Min(16, retryCount) / 2 + 2 Math.Min(16, retryCount) / 2 * Math.random()))
     * ```
     * @default false
     */
    retryBackoff?: boolean;
    /**
     * Maximum delay between retries of failed jobs, in seconds. Only used when
     * `retryBackoff` is `true`. The default is no limit.
     */
    retryDelayMax?: number;
    /**
     * Expected heartbeat interval in seconds. When set, workers must send periodic
     * heartbeats. If no heartbeat is received within this interval, the monitor will
     * fail/retry the job. Must be >= 10. NULL = heartbeat disabled (default).
     */
    heartbeatSeconds?: number;
}
export interface GroupOptions {
    id: string;
    tier?: string;
}
export interface DependencyRef {
    name: string;
    id: string;
}
export interface GroupConcurrencyConfig {
    default: number;
    tiers?: Record<string, number>;
}
export interface JobOptions {
    id?: string;
    priority?: number;
    startAfter?: number | string | Date;
    singletonKey?: string;
    singletonSeconds?: number;
    singletonNextSlot?: boolean;
    group?: GroupOptions;
    deadLetter?: string;
}
export interface FlowJob {
    ref: string;
    name: string;
    data?: object;
    options?: Omit<JobInsert, 'data'>;
    dependsOn?: string[];
}
export interface ConnectionOptions {
    db?: IDatabase;
}
/**
 * A job to settle, as `fetch()` or `work()` returned it, or just its `id` and `retryCount`. Passed in
 * place of an id, it limits the call to the attempt that was fetched: once the job has been retried,
 * or the claim has otherwise lapsed, the call leaves the job alone and reports it as not affected.
 */
export interface JobAttempt {
    id: string;
    retryCount: number;
}
export interface CompleteOptions extends ConnectionOptions {
    includeQueued?: boolean;
}
export interface ListOptions<After = string> {
    /**
     * Most rows to return, from 1 to 100,000. Defaults to 1000.
     */
    limit?: number;
    /**
     * Continue after this row, the last one of the previous page: a name, key or id, or the row itself
     * for schedules and dependencies.
     */
    after?: After;
}
export interface FindJobsOptions extends ConnectionOptions {
    id?: string;
    key?: string;
    data?: object;
    queued?: boolean;
    /**
     * Most jobs to return, oldest first, from 1 to 100,000. Defaults to 1000.
     * @see https://pgboss.io/api/jobs#findjobs-name-options
     */
    limit?: number;
    /**
     * Continue after this job id, the last one of the previous page. Rejects if that job no longer exists.
     * @see https://pgboss.io/api/jobs#findjobs-name-options
     */
    after?: string;
}
/**
 * Which dead-lettered jobs a redrive is about, and where they go. Shared by
 * `redrive()` and `previewRedrive()`, so a preview matches exactly what the
 * redrive would move.
 */
export interface RedriveFilter extends ConnectionOptions {
    /**
     * Override queue to move jobs into. Defaults to each job's original source
     * queue (`sourceName`). Jobs with no recorded source queue are only
     * moved when this is supplied.
     */
    destination?: string;
    /**
     * Only redrive jobs that originated from this source queue. Useful when a
     * single dead letter queue collects from multiple sources.
     */
    sourceName?: string;
    /** Only redrive jobs whose payload contains this object, matched the same way as `findJobs()`. */
    data?: object;
    /**
     * Only redrive jobs that arrived in the dead letter queue before this time. Also the way to
     * drain a fixed set in several calls: jobs dead-lettered after it are never swept in.
     */
    createdBefore?: Date;
    /** Only redrive these jobs, by their id in the dead letter queue. */
    ids?: string[];
}
export interface RedriveOptions extends RedriveFilter {
    /**
     * Maximum number of jobs to move in this call, oldest first. Loop or schedule
     * repeated calls to drain at a controlled rate.
     * @default 1000
     */
    limit?: number;
}
export interface RedrivePreviewOptions extends RedriveFilter {
    /**
     * Most jobs to read of each kind, those a redrive would move and those it would leave in place,
     * from 1 to 100,000. A count that reaches it means at least that many.
     * @default 1000
     */
    limit?: number;
}
export interface RedrivePreview {
    /** Every matching job read, routable or not. */
    total: number;
    /** Where the routable jobs read would go, most first. */
    destinations: {
        name: string;
        count: number;
    }[];
    /**
     * Matching jobs read that a redrive would leave in place: no recorded source queue and no
     * `destination`, or a source queue that no longer exists.
     */
    unroutable: number;
}
export type InsertOptions = ConnectionOptions & {
    /**
     * Resolve to the ids of the inserted jobs instead of `null`. Defaults to `false`.
     * @see https://pgboss.io/api/jobs#insert-name-job-options
     */
    returnId?: boolean;
};
export type SendOptions = JobOptions & QueueOptions & ConnectionOptions;
/**
 * When `update()`/`upsert()` targets jobs by `singletonKey` and more than one
 * pre-active (created or retry) job shares that key (possible under
 * throttle/debounce or a manually-set key on a `standard` queue), this selects
 * which match(es) to overwrite, ordered by `createdOn`:
 * - `newest` (default) overwrites the most recently enqueued match
 * - `oldest` overwrites the earliest enqueued match
 * - `all` overwrites every match
 */
export type JobMatchStrategy = 'newest' | 'oldest' | 'all';
/**
 * Options for `update()` and `upsert()`. Target a job with exactly one of `id`
 * or `singletonKey` (`upsert()` requires `singletonKey`). Only the fields you
 * supply are changed; any option you omit is left at the job's current value
 * (this is a partial edit, not a re-`send()`). `match` is only valid when
 * targeting by `singletonKey`.
 *
 * This is a curated subset of `SendOptions`: the throttle/debounce options
 * (`singletonSeconds`, `singletonNextSlot`) are intentionally excluded because
 * `update`/`upsert` do not act on them (a job's throttle slot is preserved).
 */
export type UpdateOptions = Pick<JobOptions, 'id' | 'priority' | 'startAfter' | 'singletonKey' | 'group' | 'deadLetter'> & QueueOptions & ConnectionOptions & {
    match?: JobMatchStrategy;
};
/**
 * The object form accepted by the single-argument overload of `update()` and
 * `upsert()`, mirroring {@link Request} for `send()`. `data` is optional
 * (omit or pass `undefined` to edit only options; pass `null` to clear the
 * payload) and `options` carries the target (`id` or `singletonKey`).
 */
export interface UpdateRequest {
    name: string;
    data?: object | null;
    options?: UpdateOptions;
}
/**
 * The queue policy dictates how jobs are allowed to be queued and processed.
 *
 * - `standard` supports all standard features such as deferral, priority, and
 *   throttling.
 *
 * - `short` only allows 1 job to be queued, unlimited active. Can be extended
 *   with `singletonKey`.
 *
 * - `singleton` only allows 1 job to be active, unlimited queued. Can be
 *   extended with `singletonKey`.
 *
 * - `stately` offers a combination of `short` and `singleton`; only allows 1
 *   job per state, queued and/or active. Can be extended with `singletonKey`.
 *
 * - `exclusive` only allows 1 job to be queued or active. Can be extended with
 *   singletonKey`.
 *
 * - `key_strict_fifo` ensures FIFO ordering per `singletonKey`. Requires
 *   `singletonKey` on every job. A job that is active, in retry, or failed only
 *   holds back successors with the same key; other keys remain fetchable.
 *   Priority cannot reorder jobs within a key. A job that is not yet fetchable
 *   is skipped when choosing a key's head, so deferred jobs join the ordering
 *   when their `startAfter` is reached, and flow-blocked jobs when their
 *   dependencies complete.
 */
export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately' | 'exclusive' | 'key_strict_fifo' | (string & {});
export interface Queue extends QueueOptions {
    /**
     * The name of the queue.
     */
    name: string;
    /**
     * The policy for the queue.
     * @default 'standard'
     */
    policy?: QueuePolicy;
    /**
     * If set to true, a dedicated table will be created in the partition scheme.
     * This is more useful for a large queue in order to keep it from being a
     * "noisy neighbor".
     * @default false
     */
    partition?: boolean;
    /**
     * The name of the queue's dead letter queue. When a job fails after all
     * retries, the job's payload will be copied into said queue, copying the same
     * retention and retry configuration as the original job.
     */
    deadLetter?: string;
    /**
     * The number of jobs allowed to exist in the created or retry state before
     * emitting a warning event.
     */
    warningQueueSize?: number;
    /**
     * Expected heartbeat interval in seconds for jobs in this queue.
     * When set, workers must send periodic heartbeats. NULL = heartbeat disabled (default).
     */
    heartbeatSeconds?: number;
    /**
     * When `true`, creating a job on this queue emits a Postgres NOTIFY so workers wake
     * immediately rather than waiting for their next poll. Requires the instance-level
     * `useListenNotify` option to be enabled for the listener to act on it. Polling still
     * runs as a fallback.
     * @default false
     */
    notify?: boolean;
}
export interface QueueResult extends Queue {
    /** Queued jobs whose `startAfter` is still ahead and that are not blocked. */
    deferredCount: number;
    /** Queued jobs waiting on a flow parent, whatever their `startAfter`. */
    blockedCount: number;
    queuedCount: number;
    /**
     * Jobs ready to be processed now: queued, not deferred and not blocked, so `queuedCount` is
     * `deferredCount + blockedCount + readyCount`.
     */
    readyCount: number;
    activeCount: number;
    /**
     * Failed jobs still retained in the table. Bounded by the queue's retention/deletion policy,
     * so this is a rolling count of recent failures, not an all-time total.
     */
    failedCount: number;
    /**
     * All jobs stored for the queue.
     * @see https://pgboss.io/api/queues#getqueues-names-options
     */
    totalCount: number;
    /**
     * Jobs completed in the window the latest counted monitor pass covered. Zero until an instance
     * with `persistQueueStats` on has counted this queue.
     * @see https://pgboss.io/api/queues#getqueues-names-options
     */
    completedDelta: number;
    /** Jobs failed terminally since the previous monitor pass. */
    failedDelta: number;
    /** Jobs that arrived since the previous monitor pass. */
    createdDelta: number;
    /** Seconds the three deltas cover. See `QueueStats.deltaSeconds`. Null until a pass counts. */
    deltaSeconds: number | null;
    /** When that interval ends, 10 seconds behind the pass. See `QueueStats.deltaOn`. Null until a pass counts. */
    deltaOn: Date | null;
    /** Wait times of the jobs counted in the deltas, as 48 counts. See `QueueStats.waitBins`. Null until a pass counts. */
    waitBins: number[] | null;
    /** Run times of the same jobs, in the same bins. Null until a pass counts. */
    runBins: number[] | null;
    /** How long the oldest ready job had waited at the pass. See `QueueStats.readyOldestSeconds`. Null until a pass counts. */
    readyOldestSeconds: number | null;
    table: string;
    createdOn: Date;
    updatedOn: Date;
    /**
     * @deprecated Informational only, since fetching checks active jobs directly, and removed in the next major.
     * The `singletonKey` of each active job in a `singleton` or `stately` queue as of the last monitor pass.
     */
    singletonsActive: string[] | null;
}
export type ScheduleOptions = SendOptions & {
    tz?: string;
    key?: string;
    /**
     * What to do about occurrences that came due while no cron pass ran, which is what a deployment
     * being down, or between deploys, leaves behind.
     *
     * `skip` sends nothing for them. `once` sends a single job for the most recent one, however many
     * were missed.
     * @default 'skip'
     */
    missed?: ScheduleMissedPolicy;
};
export interface PreviewScheduleOptions {
    /**
     * Time zone the expression is evaluated in.
     * @default 'UTC'
     */
    tz?: string;
    /**
     * Reference point the walk starts from. Occurrences are strictly after it, so passing the last
     * occurrence of one page back in yields the next page.
     * @see https://pgboss.io/api/scheduling#previewschedule-cron-options
     * @default database time (the instance clock plus the cached skew)
     */
    from?: Date;
    /**
     * How many occurrences to return. Must be an integer between 1 and 1000. A finite rule answers
     * with fewer, and one whose last occurrence has passed answers with none.
     * @default 5
     */
    count?: number;
}
/**
 * How long a worker waits between fetches. The delay before each fetch is chosen by
 * precedence, **burst → notify → base**:
 *
 * 1. **burst** (fetch continuously): a `burstWhen*` trigger is active and the last fetch
 *    came back full, so there is clearly more work to pull.
 * 2. **notify** (`notifyPollingIntervalSeconds`): NOTIFY is active for the queue, so polling
 *    is just a relaxed backstop.
 * 3. **base** (`pollingIntervalSeconds`): the normal idle poll.
 */
export interface JobPollingOptions {
    /**
     * Base interval to check for new jobs, in seconds. Must be >= `0.5` (500 ms).
     *
     * Used when no faster/slower mode applies: queues without `notify`, or notify-enabled
     * queues when the LISTEN/NOTIFY listener is unavailable (e.g. the adapter doesn't support
     * it or the connection dropped).
     * @default 2
     */
    pollingIntervalSeconds?: number;
    /**
     * Interval to check for new jobs, in seconds, used only while NOTIFY is active for the
     * queue, i.e. the queue has `notify: true` and the instance-level LISTEN/NOTIFY
     * listener is established. Since NOTIFY wakes workers immediately, polling only needs to
     * run as a slow backstop, so this can be much larger than `pollingIntervalSeconds`. When
     * notify is off or unavailable, `pollingIntervalSeconds` is used instead. Must be >= `0.5`.
     * @default 30
     */
    notifyPollingIntervalSeconds?: number;
    /**
     * Burst trigger. When the queue's cached `readyCount` (the runnable backlog) exceeds this
     * value, the worker fetches continuously with no delay until it catches up (a fetch that
     * comes back short ends burst mode). Takes precedence over `notifyPollingIntervalSeconds` and
     * `pollingIntervalSeconds`. Must be an integer >= 1.
     *
     * The ready count is read from the stats cache, so reaction latency is bounded by the
     * instance-level stats pipeline (`monitorIntervalSeconds` / `superviseIntervalSeconds` /
     * `queueCacheIntervalSeconds`, all default 60s).
     */
    burstWhenReadyExceeds?: number;
    /**
     * Burst trigger. While each fetch returns a full `batchSize` batch there is clearly more
     * work, so the worker keeps fetching continuously with no delay; the first short fetch ends
     * burst mode. Unlike `burstWhenReadyExceeds` this is instant and needs no cached
     * stats. Ignored when `batchSize` is 1 (every successful fetch would otherwise be "full").
     * @default false
     */
    burstWhenBatchFull?: boolean;
}
export interface JobFetchOptions {
    /**
     * If `true`, all job metadata will be included in the returned job object.
     * @default false
     */
    includeMetadata?: boolean;
    /**
     * @deprecated Ignored since 12.30.0, and removed in the next major. Jobs are always fetched in
     * priority order.
     */
    priority?: boolean;
    /**
     * @deprecated Ignored since 12.30.0, and removed in the next major. Jobs are always fetched in
     * creation order.
     */
    orderByCreatedOn?: boolean;
    /**
     * The number of jobs to fetch.
     * @default 1
     */
    batchSize?: number;
    /**
     * Fetch jobs even if they have a `startAfter` timestamp in the future.
     * @default false
     */
    ignoreStartAfter?: boolean;
    /**
     * Only fetch jobs with a priority greater than or equal to this value.
     * Useful for reserving worker capacity exclusively for higher-priority jobs.
     * Must be an integer. If both `minPriority` and `maxPriority` are set,
     * `minPriority` must be less than or equal to `maxPriority`.
     */
    minPriority?: number;
    /**
     * Only fetch jobs with a priority less than or equal to this value.
     * Useful for workers dedicated to lower-priority background work.
     * Must be an integer. If both `minPriority` and `maxPriority` are set,
     * `minPriority` must be less than or equal to `maxPriority`.
     */
    maxPriority?: number;
}
export interface WorkConcurrencyOptions {
    /**
     * Number of workers to spawn for this queue (per-node).
     * Each worker polls and processes jobs independently.
     */
    localConcurrency?: number;
    /**
     * Limit concurrent jobs per group within this node (in-memory tracking).
     * No database overhead. Does not coordinate across nodes.
     */
    localGroupConcurrency?: number | GroupConcurrencyConfig;
    /**
     * Limit concurrent jobs per group globally across all nodes (database tracking).
     * Coordinates across distributed deployments via database queries.
     */
    groupConcurrency?: number | GroupConcurrencyConfig;
}
export type WorkOptions = JobFetchOptions & JobPollingOptions & WorkConcurrencyOptions & {
    /**
     * Custom heartbeat refresh interval in seconds. Defaults to `heartbeatSeconds / 2`.
     * Must be strictly less than `heartbeatSeconds`.
     */
    heartbeatRefreshSeconds?: number;
    /**
     * Opt in to per-job settlement for batch handlers. When true, the handler must resolve with a
     * `JobResult[]` describing the outcome (`completed`, `failed`, or `deadletter`, with optional
     * per-job `output`) of each job in the batch. pg-boss settles each job individually, preserving
     * its own output. Any job omitted from the result is failed (and retried) with a descriptive
     * error. Throwing from the handler still fails the whole batch. Defaults to false.
     */
    perJobResults?: boolean;
    /**
     * Run the handler and the job's completion inside one database transaction. The handler receives
     * a second argument, a `db` for that transaction, and anything written through it commits with
     * the job's completion. Cannot be combined with `perJobResults`.
     * @see https://pgboss.io/api/workers#work-name-options-handler
     * @default false
     */
    transactional?: boolean;
    /**
     * How long the database gives the handler's transaction before it ends it, in seconds. Only valid
     * with `transactional`. `0` removes the bound. Defaults to `expireInSeconds` plus 5.
     * @see https://pgboss.io/api/workers#work-name-options-handler
     */
    transactionTimeoutSeconds?: number;
};
export interface FetchGroupConcurrencyOptions {
    groupConcurrency?: number | GroupConcurrencyConfig;
    ignoreGroups?: string[] | null;
}
export type FetchOptions = JobFetchOptions & ConnectionOptions & FetchGroupConcurrencyOptions;
export interface ResolvedWorkOptions extends WorkOptions {
    pollingInterval: number;
    notifyPollingInterval: number;
}
export interface WorkHandler<ReqData, ResData = any> {
    (job: Job<ReqData>[]): Promise<ResData>;
}
export interface WorkWithMetadataHandler<ReqData, ResData = any> {
    (job: JobWithMetadata<ReqData>[]): Promise<ResData>;
}
export type JobResultStatus = 'completed' | 'failed' | 'deadletter';
/**
 * Per-job outcome returned by a `perJobResults` batch handler. `id` must match a job from the
 * batch; `output` is stored on that job (the completion result, or the failure detail).
 *
 * `deadletter` fails the job terminally and routes it straight to the queue's configured dead
 * letter queue, bypassing any remaining retries. If the queue has no dead letter queue, it simply
 * fails terminally (same as a `failed` job whose retries are exhausted).
 */
export interface JobResult<ResData = any> {
    id: string;
    status: JobResultStatus;
    output?: ResData;
}
export interface PerJobWorkHandler<ReqData> {
    (job: Job<ReqData>[]): Promise<JobResult[]>;
}
export interface PerJobWorkWithMetadataHandler<ReqData> {
    (job: JobWithMetadata<ReqData>[]): Promise<JobResult[]>;
}
/**
 * Handler for a `transactional: true` worker. `tx` runs statements inside the transaction pg-boss
 * commits the batch in, so pass it as the `db` option on any pg-boss call, or hand it to your own
 * SQL, to have that work commit with the job's completion.
 */
export interface TransactionalWorkHandler<ReqData, ResData = any> {
    (jobs: Job<ReqData>[], tx: IDatabase): Promise<ResData>;
}
export interface TransactionalWorkWithMetadataHandler<ReqData, ResData = any> {
    (jobs: JobWithMetadata<ReqData>[], tx: IDatabase): Promise<ResData>;
}
/**
 * Resolves the handler signature a `work` call must satisfy from the *inferred* options type `O`.
 * A literal `transactional: true` adds the transaction `db` as a second parameter. A literal
 * `perJobResults: true` (optionally with `includeMetadata: true`) demands a per-job handler that
 * resolves with a `JobResult[]`; anything else keeps the permissive single-output handler.
 *
 * Because each branch is driven by `O extends { flag: true }`, only a statically-known `true`
 * selects the stricter handler. Options whose flag is a plain `boolean` (e.g. a value typed as
 * `WorkOptions`, or `{ perJobResults: someFlag }`) do not match the literal and fall through to the
 * permissive handler, so dynamically-built options keep compiling exactly as before.
 */
export type WorkHandlerFor<O extends WorkOptions, ReqData, ResData = any> = O extends {
    transactional: true;
} ? (O extends {
    includeMetadata: true;
} ? TransactionalWorkWithMetadataHandler<ReqData, ResData> : TransactionalWorkHandler<ReqData, ResData>) : O extends {
    perJobResults: true;
} ? (O extends {
    includeMetadata: true;
} ? PerJobWorkWithMetadataHandler<ReqData> : PerJobWorkHandler<ReqData>) : (O extends {
    includeMetadata: true;
} ? WorkWithMetadataHandler<ReqData, ResData> : WorkHandler<ReqData, ResData>);
export interface Request {
    name: string;
    data?: object;
    options?: SendOptions;
}
/** Which format a schedule's expression is in. */
export type ScheduleKind = 'cron' | 'rrule';
/** What a schedule does about occurrences that came due while no cron pass ran. */
export type ScheduleMissedPolicy = 'skip' | 'once';
export interface Schedule {
    name: string;
    key: string;
    /** Which of the two formats `cron` holds, decided by `schedule()` and stored on the row. */
    kind: ScheduleKind;
    /** The cron expression or recurrence rule this schedule recurs on. */
    cron: string;
    timezone: string;
    data?: object;
    /**
     * The options blob `schedule()` stored, which is every option it was given: the `send()` options
     * each job is created with, and `tz`, `key` and `missed` beside them.
     */
    options?: ScheduleOptions;
    createdOn: Date;
    updatedOn: Date;
    /**
     * Id of the job this schedule most recently created, or `null` when none is recorded. The job
     * may since have been deleted by the queue's retention policy.
     * @see https://pgboss.io/api/scheduling#getschedules-name-key-options
     */
    lastJobId: string | null;
}
export interface Job<T = object> {
    id: string;
    name: string;
    data: T;
    expireInSeconds: number;
    heartbeatSeconds: number | null;
    /**
     * How many times this job has been retried. It goes up by one each time the job is claimed again
     * after a previous attempt started, so it also identifies the attempt a worker is holding.
     */
    retryCount: number;
    signal: AbortSignal;
    groupId?: string | null;
    groupTier?: string | null;
}
export interface JobWithMetadata<T = object> extends Job<T> {
    priority: number;
    state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
    retryLimit: number;
    retryDelay: number;
    retryBackoff: boolean;
    retryDelayMax?: number;
    startAfter: Date;
    startedOn: Date;
    singletonKey: string | null;
    singletonOn: Date | null;
    expireInSeconds: number;
    deleteAfterSeconds: number;
    createdOn: Date;
    completedOn: Date | null;
    keepUntil: Date;
    policy: QueuePolicy;
    heartbeatOn: Date | null;
    heartbeatSeconds: number | null;
    blocked: boolean;
    blocking: boolean;
    pendingDependencies: number;
    deadLetter: string;
    output: object;
    /**
     * For a job that was moved into a dead letter queue, the name of the queue it
     * originally failed on. `null` for jobs that were not dead-lettered.
     */
    sourceName: string | null;
    /**
     * For a dead-lettered job, the id of the original job that failed. `null`
     * otherwise.
     */
    sourceId: string | null;
    /**
     * For a dead-lettered job, the `createdOn` of the original job, preserving its
     * true age in the system across the move. `null` otherwise.
     */
    sourceCreatedOn: Date | null;
    /**
     * For a dead-lettered job, the number of retries the original job consumed
     * before it was dead-lettered. `null` otherwise.
     */
    sourceRetryCount: number | null;
    /**
     * For a dead-lettered job, the `output` of the original job when it failed,
     * usually its error. `null` otherwise.
     */
    sourceOutput: object | null;
    /**
     * The id `send()` returned for the first job in this job's dead letter chain,
     * kept through every dead letter and redrive. `null` if it has never been dead-lettered.
     * @see https://pgboss.io/api/jobs#fetch-name-options
     */
    sourceRootId: string | null;
}
export interface JobInsert<T = object> {
    id?: string;
    data?: T;
    priority?: number;
    retryLimit?: number;
    retryDelay?: number;
    retryBackoff?: boolean;
    retryDelayMax?: number;
    startAfter?: number | string | Date;
    singletonKey?: string;
    singletonSeconds?: number;
    expireInSeconds?: number;
    deleteAfterSeconds?: number;
    retentionSeconds?: number;
    heartbeatSeconds?: number;
    group?: GroupOptions;
    deadLetter?: string;
}
export type WorkerState = 'created' | 'active' | 'stopping' | 'stopped';
export interface WipData {
    id: string;
    workId: string;
    name: string;
    options: WorkOptions;
    state: WorkerState;
    count: number;
    createdOn: number;
    lastFetchedOn: number | null;
    lastJobStartedOn: number | null;
    lastJobEndedOn: number | null;
    lastJobDuration: number | null;
    lastError: object | null;
    lastErrorOn: number | null;
}
/** One `work()` call of a registered instance, as its last heartbeat recorded it. */
export interface InstanceWorker {
    /** The id `work()` returned. */
    id: string;
    queue: string;
    localConcurrency: number;
    batchSize: number;
    pollingIntervalSeconds: number | null;
    /** Jobs in hand at the heartbeat. */
    active: number;
    lastFetchedOn: string | null;
    lastJobEndedOn: string | null;
    lastErrorOn: string | null;
    /**
     * The other `work()` options this call set; one left at its default is absent.
     * @see https://pgboss.io/api/ops#getinstances-options
     */
    options?: Partial<WorkOptions>;
}
/**
 * A registered instance's process at its last heartbeat. Limits are its container's where one is set
 * (cgroup v1 or v2), else the host's; rates cover the time since the previous heartbeat.
 * @see https://pgboss.io/api/ops#getinstances-options
 */
export interface InstanceMetrics {
    /** 1 or 2 when the limits were read from a cgroup, null when they are the host's. */
    cgroup: 1 | 2 | null;
    /** CPU cores this process used; null on the first sample. */
    cpu: number | null;
    /** Cores it may use: its container's CPU quota, or the CPUs it may run on. */
    cpuLimit: number;
    /** Share of CPU periods its container was throttled for, 0 to 1; null without a CPU quota. */
    cpuThrottled: number | null;
    /** Resident set size in bytes. */
    rss: number | null;
    heapUsed: number | null;
    heapLimit: number | null;
    /** Its container's working set in bytes; null without a memory limit. */
    memoryUsed: number | null;
    /** Its container's memory limit in bytes, or the host's total memory. */
    memoryLimit: number;
    /** Event loop delay, p99 and worst, in milliseconds. */
    loopDelay: number | null;
    loopDelayMax: number | null;
    /** Share of the time the event loop was busy, 0 to 1. */
    loopUtilization: number | null;
}
/**
 * A PgBoss object that registered itself in this database.
 * @see https://pgboss.io/api/ops#getinstances-options
 */
export interface Instance {
    id: string;
    name: string | null;
    host: string;
    pid: number;
    /** pg-boss version. */
    version: string;
    nodeVersion: string;
    /** The `application_name` its connections carry, for joining `pg_stat_activity`. */
    applicationName: string | null;
    heartbeatSeconds: number;
    supervise: boolean;
    schedule: boolean;
    migrate: boolean;
    persistQueueStats: boolean;
    persistWarnings: boolean;
    /** Pool counts at the last heartbeat; null for a pool pg-boss did not create. */
    poolMax: number | null;
    poolTotal: number | null;
    poolIdle: number | null;
    poolWaiting: number | null;
    workers: InstanceWorker[];
    /** Its process at the last heartbeat; null before the first sample. */
    metrics: InstanceMetrics | null;
    /** The options it runs with: timings, roles, retention and backend, never connection details. */
    config: Record<string, unknown>;
    /** Lives in a row on this name and host that ended without `stop()` before this one started. */
    crashRestarts: number;
    /** When the first of those crashed; null when there were none. */
    crashRestartsSince: Date | null;
    startedOn: Date;
    heartbeatOn: Date;
    /** Set by a graceful `stop()`; a crashed instance goes quiet instead. */
    stoppedOn: Date | null;
    /** Not stopped, and heard from within three heartbeats. */
    live: boolean;
}
export interface StartOptions {
    /**
     * How many times to try before rejecting with the last error, waiting 1 second after the first
     * failure and doubling up to 30 seconds between tries. Default 1.
     * @see https://pgboss.io/api/ops#start-options
     */
    attempts?: number;
}
export interface StopOptions {
    close?: boolean;
    graceful?: boolean;
    timeout?: number;
}
export interface OffWorkOptions {
    id?: string;
    wait?: boolean;
}
export interface EventsMixin extends NodeJS.EventEmitter {
    events: Record<string, string>;
}
export interface FunctionsMixin {
    functions: Function[];
}
export type UpdateQueueOptions = Omit<Queue, 'name' | 'partition' | 'policy' | 'deadLetter' | 'retryDelayMax' | 'heartbeatSeconds'> & {
    /**
     * The name of the queue's dead letter queue, or `null` to clear it.
     */
    deadLetter?: string | null;
    /**
     * Maximum delay between retries of failed jobs, in seconds, or `null` for no limit.
     */
    retryDelayMax?: number | null;
    /**
     * Expected heartbeat interval in seconds, or `null` to disable heartbeats.
     */
    heartbeatSeconds?: number | null;
};
export interface Warning {
    message: string;
    data: object;
}
export type WarningType = 'slow_query' | 'queue_backlog' | 'clock_skew' | 'listen_notify_unavailable' | 'invalid_schedule' | 'index_bloat' | 'xmin_horizon' | 'autovacuum_disabled' | 'monitor_backoff' | 'transactional_pool_headroom' | 'transaction_timeout_probe' | 'start_retry' | 'handler_overrun';
export interface PersistedWarning {
    id: number;
    type: WarningType;
    message: string;
    data: object;
    createdOn: Date;
}
export interface CommandResponse {
}
/**
 * The result of `update()`. Unlike the target-a-list mutators
 * (`cancel`/`resume`/etc.), `update()` discovers how many jobs a target
 * resolves to. `update()` never inserts, so there is no `inserted` count,
 * see {@link UpsertResponse} for `upsert()`.
 */
export interface UpdateResponse {
    /** Ids of the jobs updated in place. */
    jobs: string[];
    /** Number of existing jobs updated in place (equals `jobs.length`). */
    updated: number;
}
/**
 * The result of `upsert()`. Extends {@link UpdateResponse} with the
 * update-vs-insert discriminator: a single `upsert()` either edits the
 * matching job(s) in place (`updated`) or inserts one new job (`inserted`),
 * so exactly one of the two counts is non-zero.
 */
export interface UpsertResponse extends UpdateResponse {
    /** Number of jobs newly inserted (mutually exclusive with `updated`). */
    inserted: number;
}
export interface BamEntry {
    id: string;
    name: string;
    version: number;
    status: 'pending' | 'in_progress' | 'completed' | 'failed';
    queue?: string;
    table: string;
    command: string;
    error?: string;
    createdOn: Date;
    startedOn?: Date;
    completedOn?: Date;
    reattempt?: boolean;
}
export interface BamStatusSummary {
    status: 'pending' | 'in_progress' | 'completed' | 'failed';
    count: number;
    lastCreatedOn: Date;
}
/** One managed index pg-boss expects to exist, and the table it belongs to. */
export interface ManagedIndex {
    name: string;
    table: string;
    /** Readable expected key-column list (ordered), for definition-diff. Absent if not derivable. */
    keys?: string;
    /** Readable expected INCLUDE payload column list, '' for an index with no INCLUDE clause. */
    include?: string;
    /** Readable expected partial-index predicate (the WHERE clause), '' for a non-partial index. */
    predicate?: string;
    /** The full expected `CREATE INDEX` statement (schema-qualified), ready to run to recreate it. */
    definition?: string;
}
/**
 * A managed index that is present in the catalog but marked INVALID. Its definition is correct (an
 * interrupted build, not a wrong shape), so only the expected `definition` is carried. There is no
 * meaningful actual-vs-expected diff to show.
 */
export interface InvalidIndex extends ManagedIndex {
    /** True when a pending/in_progress/failed BAM row is (re)building it, so it may heal itself. */
    building: boolean;
}
/** A present index whose key columns/order or predicate differ from what the code expects. */
export interface MismatchedIndex extends ManagedIndex {
    /** Readable key-column list the code expects. */
    expectedKeys: string;
    /** Readable key-column list actually in the catalog (from pg_get_indexdef). */
    actualKeys: string;
    /** Readable INCLUDE payload list the code expects ('' when it expects no INCLUDE clause). */
    expectedInclude: string;
    /** Readable INCLUDE payload list actually in the catalog ('' when the live index has none). */
    actualInclude: string;
    /** Readable predicate the code expects ('' for a non-partial index). */
    expectedPredicate: string;
    /** Readable predicate actually in the catalog, from pg_get_indexdef ('' for a non-partial index). */
    actualPredicate: string;
    /** The index's current definition from pg_get_indexdef, for side-by-side comparison with `definition`. */
    actualDefinition: string;
    /** Which parts differ, any of 'keys', 'include', 'predicate'. */
    differs: Array<'keys' | 'include' | 'predicate'>;
}
/** One managed plpgsql/sql function pg-boss expects to exist, with its normalised body for diffing. */
export interface ManagedFunction {
    name: string;
    /** Whitespace-normalised expected function body (the text between the outer `$$` dollar quotes). */
    expectedBody: string;
    /** The full expected `CREATE FUNCTION` statement (schema-qualified), ready to run to recreate it. */
    definition: string;
}
/** A present managed function whose body differs from what the code expects. */
export interface MismatchedFunction extends ManagedFunction {
    /** Whitespace-normalised body actually stored in the catalog (from pg_get_functiondef). */
    actualBody: string;
    /** The function's current definition from pg_get_functiondef, for side-by-side comparison. */
    actualDefinition: string;
}
/** Column drift for a managed table: columns the code expects that are absent, columns present in the
 *  catalog that the code does not expect, and (fixed tables only) columns whose default, data type, or
 *  nullability differs from the code's DDL. */
export interface TableColumnDrift {
    /** The (unqualified) table name. */
    table: string;
    /** Expected columns with no matching catalog column. */
    missingColumns: string[];
    /** Catalog columns the expected set does not account for. */
    unexpectedColumns: string[];
    /** Columns whose live default expression differs from the code's expected default (fixed tables only). */
    defaultMismatches: Array<{
        column: string;
        expected: string;
        actual: string;
    }>;
    /** Columns whose live data type differs from the code's expected type (fixed tables only). */
    typeMismatches: Array<{
        column: string;
        expected: string;
        actual: string;
    }>;
    /** Columns whose live NOT NULL flag differs from the code's expectation (fixed tables only). */
    nullabilityMismatches: Array<{
        column: string;
        expected: boolean;
        actual: boolean;
    }>;
}
/** Constraint-set drift for a managed table: expected constraints absent from the catalog, and catalog
 *  constraints the code does not expect. Compared on normalised pg_get_constraintdef strings. */
export interface ConstraintDrift {
    /** The (unqualified) table name. */
    table: string;
    /** Expected constraints with no matching catalog constraint. */
    missingConstraints: string[];
    /** Catalog constraint definitions the expected set does not account for. */
    unexpectedConstraints: string[];
}
/** Drift in an enum type's value set or ordering (pg-boss's `job_state`). */
export interface EnumDrift {
    /** The enum type's name (e.g. `job_state`). */
    name: string;
    /** Ordered enum labels the code expects. */
    expectedValues: string[];
    /** Ordered enum labels actually in the catalog. */
    actualValues: string[];
}
/**
 * Result of a schema drift scan: managed indexes, functions, and enums that should exist per the
 * code's expected shape vs. what the live catalog actually holds. Covers presence (missing / invalid
 * / unexpected) and definition-level drift (a present index, function body, or enum whose shape
 * differs from what the code emits).
 */
export interface SchemaDriftReport {
    /** True when nothing is missing, invalid, mismatched, or drifted (tables, columns, defaults, types,
     *  constraints, enum). `extraIndexes` is informational and does NOT affect this. */
    ok: boolean;
    /** Expected managed tables with no matching catalog table. */
    missingTables: string[];
    /** Expected indexes with no matching catalog entry (excludes ones a BAM row is still building). */
    missing: ManagedIndex[];
    /** Expected indexes still being built by a pending/in_progress/failed BAM row, not yet drift. */
    building: ManagedIndex[];
    /** Present indexes marked INVALID (interrupted CREATE INDEX CONCURRENTLY). */
    invalid: InvalidIndex[];
    /**
     * Standalone (non-constraint-backing) indexes present on a managed table that the expected set does
     * not account for. A stale pg-boss index or one a user added. Informational only: an extra index is
     * harmless, so this is surfaced as a warning and does not make the schema "not ok".
     */
    extraIndexes: Array<{
        name: string;
        table: string;
    }>;
    /** Present indexes whose key columns/order differ from the expected definition. */
    mismatched: MismatchedIndex[];
    /** Expected functions with no matching catalog entry. */
    missingFunctions: ManagedFunction[];
    /** Present functions whose body differs from the code's expected definition. */
    mismatchedFunctions: MismatchedFunction[];
    /** Managed tables with missing/unexpected columns or column-default drift (only differing tables). */
    columnDrift: TableColumnDrift[];
    /** Managed tables with missing or unexpected constraints (only tables that differ are listed). */
    constraintDrift: ConstraintDrift[];
    /** Enum drift when the live `job_state` value set/order differs from the code; null when it matches. */
    enumDrift: EnumDrift | null;
}
export interface FlowEvent {
    table: string;
    resolved: number;
}
export interface BamEvent {
    id: string;
    name: string;
    status: string;
    queue?: string;
    table: string;
    error?: string;
}
export type PgBossEventMap = {
    error: [error: Error];
    warning: [warning: Warning];
    wip: [data: WipData[]];
    stopped: [];
    bam: [data: BamEvent];
    flow: [data: FlowEvent];
};
//# sourceMappingURL=types.d.ts.map