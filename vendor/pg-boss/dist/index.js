import assert, { AssertionError } from 'node:assert';
import { randomUUID } from 'node:crypto';
import EventEmitter from 'node:events';
import * as Attorney from "./attorney.js";
import Contractor from "./contractor.js";
import Manager from "./manager.js";
import Timekeeper from "./timekeeper.js";
import Boss from "./boss.js";
import Bam from "./bam.js";
import Navigator from "./navigator.js";
import Notifier from "./notifier.js";
import Registrar from "./registrar.js";
import { delay } from "./tools.js";
import { isAttachable } from "./clock.js";
import { trackActivity } from "./activity.js";
import * as plans from "./plans.js";
import DbDefault from "./db.js";
export { JOB_STATES as states } from "./plans.js";
export { QUEUE_POLICIES as policies } from "./plans.js";
export { SCHEDULE_KINDS as scheduleKinds } from "./plans.js";
export { SCHEDULE_MISSED_POLICIES as scheduleMissedPolicies } from "./plans.js";
export { PREVIEW_MAX_COUNT as previewScheduleMaxCount } from "./timekeeper.js";
export { addBins, percentile } from "./latency.js";
export const events = Object.freeze({
    error: 'error',
    warning: 'warning',
    wip: 'wip',
    stopped: 'stopped',
    bam: 'bam',
    flow: 'flow'
});
export function getConstructionPlans(schema, options) {
    return Contractor.constructionPlans(schema, options);
}
export function getMigrationPlans(schema, version, options) {
    return Contractor.migrationPlans(schema, version, options);
}
/**
 * The catalog query pg-boss uses to find bloated job indexes, as SQL text. Runnable in psql with no
 * pg-boss instance and no connection from this process. PostgreSQL only. The heap-less engines
 * (CockroachDB, YugabyteDB) do not answer it.
 */
export function getIndexBloatPlans(schema, options) {
    return plans.getBloatedIndexes(schema || plans.DEFAULT_SCHEMA, undefined, options);
}
export function getRollbackPlans(schema, version, options) {
    return Contractor.rollbackPlans(schema, version, options);
}
/**
 * The SQL that removes every object pg-boss installs, for a schema it shares with other objects. A
 * schema of pg-boss's own is simpler to drop whole.
 * @see https://pgboss.io/api/utils#getuninstallplans-schema-options
 */
export function getUninstallPlans(schema, options) {
    return Contractor.uninstallPlans(schema, options);
}
// start({ attempts }) waits 1 second after the first failure and doubles the wait up to this.
const START_RETRY_MAX_SECONDS = 30;
export class PgBoss extends EventEmitter {
    #stopped;
    #started;
    #startingPromise = null;
    // The wait between start() attempts, so stop() can end it rather than sit out every retry.
    #startRetry = null;
    #stoppingPromise = null;
    #attachedClock = null;
    #idle;
    #config;
    #db;
    #boss;
    #contractor;
    #manager;
    #timekeeper;
    #bam;
    #navigator;
    #notifier;
    #registrar;
    constructor(value) {
        super();
        this.#stopped = true;
        const config = Attorney.getConfig(value);
        this.#config = config;
        // Made here rather than at start(), since the pool is configured before it opens. Naming the
        // connections after the instance is what lets pg_stat_activity join to its registry row. Only
        // on a pool pg-boss creates, and never over a name the caller chose.
        const instanceId = randomUUID();
        if (config.registerInstance && !config.db && !config.application_name) {
            config.application_name = `pgboss:${instanceId.slice(0, 8)}`;
        }
        let db = this.getDb();
        // Before any component takes the db, so every statement they run is counted.
        if (isAttachable(config.clock)) {
            const tracked = trackActivity(db);
            db = tracked.db;
            this.#idle = tracked.idle;
        }
        this.#db = db;
        if ('_pgbdb' in this.#db && this.#db._pgbdb) {
            this.#promoteEvents(this.#db);
        }
        const contractor = new Contractor(db, config);
        const manager = new Manager(db, config, instanceId);
        const boss = new Boss(db, manager, config);
        const timekeeper = new Timekeeper(db, manager, config);
        manager.timekeeper = timekeeper;
        const bam = new Bam(db, config);
        const navigator = new Navigator(db, manager, config);
        const notifier = new Notifier(db, manager, config);
        manager.notifier = notifier;
        const registrar = new Registrar(instanceId, db, manager, config);
        this.#promoteEvents(manager);
        this.#promoteEvents(boss);
        this.#promoteEvents(timekeeper);
        this.#promoteEvents(bam);
        this.#promoteEvents(navigator);
        this.#promoteEvents(notifier);
        this.#promoteEvents(registrar);
        this.#boss = boss;
        this.#contractor = contractor;
        this.#manager = manager;
        this.#timekeeper = timekeeper;
        this.#bam = bam;
        this.#navigator = navigator;
        this.#notifier = notifier;
        this.#registrar = registrar;
    }
    #promoteEvents(emitter) {
        for (const event of Object.values(emitter?.events)) {
            emitter.on(event, arg => this.emit(event, arg));
        }
    }
    async start(options = {}) {
        const { attempts = 1 } = options;
        assert(Number.isInteger(attempts) && attempts >= 1, 'start() attempts must be an integer of 1 or more');
        // A stop() already in flight must finish (clearing any resources it's tearing down) before a
        // fresh start() begins, otherwise the two race over the same intervals/pool.
        if (this.#stoppingPromise) {
            await this.#stoppingPromise.catch(() => { });
        }
        // Return the SAME in-flight promise to a concurrent caller instead of a fresh `this`. A
        // second caller must observe the actual outcome (including a rejection), not silently no-op
        // while the first call is still mid-flight.
        if (this.#startingPromise) {
            return this.#startingPromise;
        }
        if (this.#started) {
            return this;
        }
        // Cleared to false before any subsystem is started (not just on success): if #doStart throws
        // partway through, subsystems already started (e.g. manager's queueCacheInterval/wipInterval)
        // must still be reachable by stop() for cleanup, and stop() no-ops whenever #stopped is true.
        this.#stopped = false;
        this.#startingPromise = this.#startAttempts(attempts);
        try {
            return await this.#startingPromise;
        }
        finally {
            this.#startingPromise = null;
        }
    }
    // Each attempt is the same as calling start() again after a failure, which is safe on the same
    // instance. An AssertionError is pg-boss refusing a configuration it cannot run, which fails the
    // same way every time, so it is thrown at once. Anything else, a database not up yet or a schema
    // another process is still migrating, gets the remaining attempts.
    async #startAttempts(attempts) {
        const retry = { cancelled: false, wait: null };
        this.#startRetry = retry;
        try {
            for (let attempt = 1;; attempt++) {
                try {
                    return await this.#doStart(attempt);
                }
                catch (err) {
                    if (attempt >= attempts || retry.cancelled || err instanceof AssertionError) {
                        throw err;
                    }
                    const delaySeconds = Math.min(2 ** (attempt - 1), START_RETRY_MAX_SECONDS);
                    // Once per start(), on the first failure: an outage would otherwise repeat it every try.
                    if (attempt === 1) {
                        this.emit(events.warning, {
                            message: `start() failed and will try again, up to ${attempts - 1} more times: ${err?.message}`,
                            data: { type: 'start_retry', attempts, error: err?.message }
                        });
                    }
                    retry.wait = delay(delaySeconds * 1000);
                    await retry.wait;
                    retry.wait = null;
                    if (retry.cancelled) {
                        throw err;
                    }
                }
            }
        }
        finally {
            this.#startRetry = null;
        }
    }
    async #doStart(attempt = 1) {
        // Before anything opens a connection or runs a statement. The schema clock is gated on a
        // session setting, and a session that misses it reads real time while its peers read fake
        // time - silently, and differently on every checkout. Declaring the setup here means no
        // connection the adapter opens for the contractor, or for any later work, can predate it.
        if (isAttachable(this.#config.clock)) {
            assert(typeof this.#db.setSessionStatements === 'function', 'configuration assert: this db adapter does not implement setSessionStatements(), so a TestClock cannot reach every session it opens. Implement it to run the given statements on each new connection (or once, if the adapter has a single session).');
            await this.#db.setSessionStatements([plans.enableClockOverride()]);
        }
        if (this.#db._pgbdb && !this.#db.opened) {
            await this.#db.open();
        }
        await this.#warnIfDistributedMisconfigured();
        if (this.#config.migrate) {
            await this.#contractor.start();
        }
        else {
            await this.#contractor.check();
        }
        if (isAttachable(this.#config.clock)) {
            this.#attachedClock = await this.#config.clock.attach({ db: this.#db, schema: this.#config.schema, idle: this.#idle });
        }
        await this.#manager.start();
        if (this.#config.useListenNotify) {
            await this.#notifier.start();
        }
        // Whether or not supervise is set, which only decides if their timers are armed
        await this.#boss.start();
        await this.#navigator.start();
        if (this.#config.schedule) {
            await this.#timekeeper.start();
        }
        if (this.#config.migrate) {
            await this.#bam.start();
        }
        await this.#registrar.start(attempt);
        this.#started = true;
        return this;
    }
    // YugabyteDB needs the yugabytedb backend profile (no table partitioning + no advisory locks;
    // partitioned queues are not supported there). pg-boss can't know the backend at construction
    // time, so detect it from the server version at startup and warn when the profile isn't selected.
    // Best-effort: never block startup on this check.
    async #warnIfDistributedMisconfigured() {
        try {
            const { rows } = await this.#db.executeSql('SELECT version()');
            const version = rows?.[0]?.version || '';
            if (/yugabyte|-yb-/i.test(version)) {
                if (!this.#config.noTablePartitioning || !this.#config.noAdvisoryLocks) {
                    this.emit(events.warning, {
                        message: "YugabyteDB detected. YugabyteDB is not supported. Until the next major, backend: 'yugabytedb' avoids the table partitioning and advisory locks that fail there.",
                        data: { backend: 'yugabytedb' }
                    });
                }
            }
        }
        catch {
            // version detection is best-effort and must never prevent startup
        }
    }
    async stop(options = {}) {
        // A start() already in flight must finish (or fail) before stop() evaluates state, otherwise
        // stop() reads #stopped mid-start and silently no-ops while start() keeps running. One waiting
        // between attempts stops trying, so it fails now with its last error.
        if (this.#startRetry) {
            this.#startRetry.cancelled = true;
            this.#startRetry.wait?.abort();
        }
        if (this.#startingPromise) {
            await this.#startingPromise.catch(() => { });
        }
        if (this.#stoppingPromise) {
            return this.#stoppingPromise;
        }
        let { close = true, graceful = true, timeout = 30000 } = options;
        // stop({ close: false }) marks the instance stopped while leaving the pool open, so a later
        // stop() that asks to close has to be answered before the guard below. Everything else was
        // already shut down by the first stop(). The close is published as #stoppingPromise so a
        // concurrent stop() or start() waits for the pool to drain instead of falling through.
        if (this.#stopped && close && this.#db._pgbdb && this.#db.opened) {
            this.#stoppingPromise = this.#closeDb();
            try {
                return await this.#stoppingPromise;
            }
            finally {
                this.#stoppingPromise = null;
            }
        }
        if (this.#stopped) {
            return;
        }
        timeout = Math.max(timeout, 1000);
        this.#stoppingPromise = this.#doStop(close, graceful, timeout);
        try {
            return await this.#stoppingPromise;
        }
        finally {
            this.#stoppingPromise = null;
        }
    }
    async #doStop(close, graceful, timeout) {
        // Real time, not the configured clock: these deadlines bound a running BAM command and
        // active-handler grace, and under a test clock nothing would tick them while the test is blocked
        // inside stop(). The BAM deadline counts from here, and without graceful it has passed already,
        // so a running command is cancelled at once.
        let bamTimer;
        const bamDeadline = graceful
            ? new Promise(resolve => { bamTimer = setTimeout(resolve, timeout); })
            : Promise.resolve();
        try {
            await this.#notifier.stop();
            await this.#manager.stop();
            await this.#timekeeper.stop();
            await this.#boss.stop();
            await this.#navigator.stop();
            await this.#bam.stop(bamDeadline);
        }
        finally {
            clearTimeout(bamTimer);
        }
        const shutdown = async () => {
            await this.#manager.failWip();
            // Pending claims may not have reached worker.jobs when failWip ran. Drain their refusal
            // before closing the pool or publishing stopped.
            await this.#manager.settleCleanups();
            // After the drain, so a graceful stop reads as live until its workers have finished.
            await this.#registrar.stop();
            const attachment = this.#attachedClock;
            this.#attachedClock = null;
            try {
                if (attachment) {
                    await attachment[Symbol.asyncDispose]();
                }
            }
            finally {
                // Stop stamping the opt-in on connections opened after this point. Harmless if it lingers
                // - dispose restores the plain function body, which never reads the setting - but an
                // instance restarted without a clock should not keep setting it. Undone on the same
                // condition #doStart declared it on, so a start() that threw before attach() and a dispose
                // that fails both still clear it.
                if (isAttachable(this.#config.clock)) {
                    await this.#db.setSessionStatements?.([]);
                }
            }
            if (close) {
                await this.#closeDb();
            }
            this.#stopped = true;
            this.#started = false;
            this.emit(events.stopped);
        };
        if (!graceful) {
            await shutdown();
            return;
        }
        let deadlineTimer;
        const deadline = new Promise(resolve => { deadlineTimer = setTimeout(resolve, timeout); });
        try {
            await Promise.race([this.#manager.settleCleanups(), deadline]);
        }
        finally {
            clearTimeout(deadlineTimer);
        }
        await shutdown();
    }
    async #closeDb() {
        if (!this.#db._pgbdb || !this.#db.opened) {
            return;
        }
        await this.#db.close();
        // Give event loop time to process socket closes
        await delay(10);
    }
    async send(...args) {
        return await this.#manager.send(...args);
    }
    async sendAfter(name, data, options, after) {
        return this.#manager.sendAfter(name, data, options, after);
    }
    sendThrottled(name, data, options, seconds, key) {
        return this.#manager.sendThrottled(name, data, options, seconds, key);
    }
    update(...args) {
        return this.#manager.update(...args);
    }
    upsert(...args) {
        return this.#manager.upsert(...args);
    }
    sendDebounced(name, data, options, seconds, key) {
        return this.#manager.sendDebounced(name, data, options, seconds, key);
    }
    insert(name, jobs, options) {
        return this.#manager.insert(name, jobs, options);
    }
    flow(jobs, options) {
        return this.#manager.flow(jobs, options);
    }
    fetch(name, options = {}) {
        return this.#manager.fetch(name, options);
    }
    work(...args) {
        return this.#manager.work(...args);
    }
    offWork(name, options) {
        return this.#manager.offWork(name, options);
    }
    notifyWorker(workerId) {
        return this.#manager.notifyWorker(workerId);
    }
    subscribe(event, name) {
        return this.#manager.subscribe(event, name);
    }
    unsubscribe(event, name) {
        return this.#manager.unsubscribe(event, name);
    }
    publish(event, data, options) {
        return this.#manager.publish(event, data, options);
    }
    cancel(name, id, options) {
        return this.#manager.cancel(name, id, options);
    }
    resume(name, id, options) {
        return this.#manager.resume(name, id, options);
    }
    retry(name, id, options) {
        return this.#manager.retry(name, id, options);
    }
    deleteJob(name, id, options) {
        return this.#manager.deleteJob(name, id, options);
    }
    redrive(name, options) {
        return this.#manager.redrive(name, options);
    }
    previewRedrive(name, options) {
        return this.#manager.previewRedrive(name, options);
    }
    deleteQueuedJobs(name) {
        return this.#manager.deleteQueuedJobs(name);
    }
    deleteStoredJobs(name) {
        return this.#manager.deleteStoredJobs(name);
    }
    deleteAllJobs(name) {
        return this.#manager.deleteAllJobs(name);
    }
    complete(name, id, data, options) {
        return this.#manager.complete(name, id, data, options);
    }
    fail(name, id, data, options) {
        return this.#manager.fail(name, id, data, options);
    }
    touch(name, id, options) {
        return this.#manager.touch(name, id, options);
    }
    /**
     * @deprecated Use findJobs() instead
     */
    getJobById(name, id, options) {
        return this.#manager.getJobById(name, id, options);
    }
    findJobs(name, options) {
        return this.#manager.findJobs(name, options);
    }
    createQueue(name, options) {
        return this.#manager.createQueue(name, options);
    }
    getBlockedKeys(name, options) {
        return this.#manager.getBlockedKeys(name, options);
    }
    getDependencies(name, id, options) {
        return this.#manager.getDependencies(name, id, options);
    }
    getDependents(name, id, options) {
        return this.#manager.getDependents(name, id, options);
    }
    updateQueue(name, options) {
        return this.#manager.updateQueue(name, options);
    }
    deleteQueue(name) {
        return this.#manager.deleteQueue(name);
    }
    async getQueues(names, options) {
        const limit = Attorney.assertListLimit('getQueues', options?.limit);
        Attorney.assertListAfter('getQueues', options?.after);
        return this.#manager.getQueues(names, limit, options?.after);
    }
    getQueue(name) {
        return this.#manager.getQueue(name);
    }
    getQueueStats(name, options) {
        return this.#manager.getQueueStats(name, options);
    }
    async getInstances(options) {
        const limit = Attorney.assertListLimit('getInstances', options?.limit);
        Attorney.assertListAfter('getInstances', options?.after, true);
        return this.#registrar.getInstances(limit, options?.after);
    }
    isMaintaining() {
        return this.#boss.maintaining;
    }
    isBamWorking() {
        return this.#bam.working;
    }
    isResolvingFlow() {
        return this.#navigator.working;
    }
    isCheckingSkew() {
        return this.#timekeeper.checkingSkew;
    }
    isTimekeeping() {
        return this.#timekeeper.timekeeping;
    }
    supervise(name, options) {
        return this.#boss.supervise(name, options);
    }
    /**
     * The `REINDEX INDEX CONCURRENTLY` statements needed to rebuild the currently bloated job
     * indexes, in the order they should be run, including any `DROP INDEX CONCURRENTLY` for stubs
     * left by an interrupted rebuild.
     *
     * For installations where pg-boss cannot run them itself. A role that doesn't own the indexes,
     * or an adapter that wraps queries in a transaction. Pass `{ force: true }` for every job index
     * rather than only the bloated ones. Empty on CockroachDB and YugabyteDB, which have no btree
     * bloat to reclaim and reject `REINDEX` in any form.
     */
    getReindexCommands(options) {
        return this.#boss.getReindexCommands(options);
    }
    // Force an immediate flow-resolution pass (unblock dependents of completed jobs) instead of
    // waiting for the next background poll. Mirrors supervise() for on-demand maintenance.
    resolveFlow() {
        return this.#navigator.resolveNow();
    }
    getWipData(options) {
        return this.#manager.getWipData(options);
    }
    getSpy(name) {
        return this.#manager.getSpy(name);
    }
    clearSpies() {
        this.#manager.clearSpies();
    }
    isInstalled() {
        return this.#contractor.isInstalled();
    }
    schemaVersion() {
        return this.#contractor.schemaVersion();
    }
    detectSchemaDrift() {
        return this.#contractor.detectDrift({ clockOverride: this.#attachedClock !== null });
    }
    /**
     * Schedules a job on a recurring expression: a cron expression, or an RFC 5545 recurrence rule
     * such as `FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17`.
     */
    schedule(name, cron, data, options) {
        return this.#timekeeper.schedule(name, cron, data, options);
    }
    unschedule(name, key, options) {
        return this.#timekeeper.unschedule(name, key, options);
    }
    async getSchedules(name, key, options) {
        const limit = Attorney.assertListLimit('getSchedules', options?.limit);
        Attorney.assertListAfterRow('getSchedules', options?.after, ['name', 'key']);
        return this.#timekeeper.getSchedules(name, key, limit, options?.after);
    }
    getSchedule(name, key) {
        return this.#timekeeper.getSchedule(name, key);
    }
    previewSchedule(cron, options) {
        return this.#timekeeper.previewSchedule(cron, options);
    }
    async getBamStatus() {
        const sql = plans.getBamStatus(this.#config.schema);
        const { rows } = await this.#db.executeSql(sql);
        return rows;
    }
    async getBamEntries(options) {
        const limit = Attorney.assertListLimit('getBamEntries', options?.limit);
        const after = options?.after;
        Attorney.assertListAfter('getBamEntries', after, true);
        const sql = plans.getBamEntries(this.#config.schema, after !== undefined);
        const { rows } = await this.#db.executeSql(sql, after !== undefined ? [after, limit] : [limit]);
        if (after !== undefined && rows.length === 0) {
            const { rows: found } = await this.#db.executeSql(plans.bamEntryExists(this.#config.schema), [after]);
            assert(found.length > 0, 'getBamEntries: after names a row that no longer exists');
        }
        return rows;
    }
    getDb() {
        if (this.#db) {
            return this.#db;
        }
        if (this.#config.db) {
            return this.#config.db;
        }
        return new DbDefault(this.#config);
    }
}
export { systemClock, TestClock } from "./clock.js";
export { CLOCK_OVERRIDE_SETTING, enableClockOverride, disableClockOverride } from "./plans.js";
export { fromKnex, fromKysely, fromDrizzle, fromPrisma, fromPglite, fromBunSql, } from "./adapters/index.js";
